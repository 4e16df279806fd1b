import { useState, type FormEvent } from 'react';
import { publicApi, type TokenResponse } from '../api/client';
import { TextField } from '../ui/field';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

type Props = {
  onSignedIn: (res: TokenResponse) => void | Promise<void>;
  submitLabel?: string;
  initialEmail?: string;
};

/** Email and password; shared by /login and the till's pairing step. */
export function SignInForm({ onSignedIn, submitLabel = 'Sign in', initialEmail = '' }: Props) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await publicApi.login({ email: email.trim(), password });
      if (!res?.access_token) throw new Error('This account needs a second sign-in step that this screen does not support yet.');
      await onSignedIn(res);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      <ProblemAlert error={error} shownFields={['email', 'password']} />
      <TextField
        label="Email"
        type="email"
        value={email}
        onChange={setEmail}
        autoComplete="username"
        required
        autoFocus={!initialEmail}
        error={fieldError(error, 'email')}
      />
      <TextField
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
        required
        autoFocus={!!initialEmail}
        error={fieldError(error, 'password')}
      />
      <button type="submit" className="button button--block" disabled={busy}>
        {busy ? 'Signing in…' : submitLabel}
      </button>
    </form>
  );
}
