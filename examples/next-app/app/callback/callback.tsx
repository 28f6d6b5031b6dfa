'use client';
import { useRouter } from 'next/navigation';
// The callback page's content. The provider completes the login on its own; this shows it and, once a
// redirect login is done, goes home. A popup's callback page goes nowhere: the provider hands the callback to
// the window that opened it and the popup closes itself.
import { useNylasAuth } from 'nylas-pkce/react';
import { useEffect } from 'react';

export function Callback() {
  const { isLoading, error } = useNylasAuth();
  const router = useRouter();
  useEffect(() => {
    if (!isLoading && !error && !window.opener) router.replace('/');
  }, [isLoading, error, router]);
  if (error) {
    return (
      <p id="callback" data-state="error">
        Login failed: {error.code}
      </p>
    );
  }
  return (
    <p id="callback" data-state="loading">
      Signing in…
    </p>
  );
}
