// The callback route: the redirect URI. The provider in the layout completes the login here (in a popup, it
// hands the callback to the opener and the window closes); this page shows it and goes home.
import { Callback } from './callback';

export default function CallbackPage() {
  return (
    <main>
      <Callback />
    </main>
  );
}
