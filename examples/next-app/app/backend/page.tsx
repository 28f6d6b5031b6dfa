// The same account panel, with the token requests going through the app's backend: a session that
// outlives the access token's hour (getAccessToken() asks the backend for a fresh token).
import { Account } from '../account';
import { BackendProvider } from './provider';

export default function BackendPage() {
  return (
    <main>
      <h1>Through your backend</h1>
      <BackendProvider>
        <Account />
      </BackendProvider>
    </main>
  );
}
