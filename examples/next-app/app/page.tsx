// The start page: a server component around a client one.
import { Account } from './account';

export default function Home() {
  return (
    <main>
      <h1>nylas-pkce in Next.js</h1>
      <Account />
    </main>
  );
}
