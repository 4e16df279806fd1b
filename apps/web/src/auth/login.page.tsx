import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { AuthLayout } from './auth-layout';
import { SignInForm } from './sign-in-form';
import { startSession, useSession } from './session';

/** Only same-origin paths: `?next=` must not become an open redirect. */
export function safeNext(next: string | null, fallback = '/admin'): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

export default function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const next = safeNext(params.get('next'));

  return (
    <AuthLayout
      title="Sign in"
      footer={
        <p>
          New to NovaPOS? <Link to="/signup">Create an account for your business</Link>
        </p>
      }
    >
      {session && (
        <p className="auth__note" role="status">
          You are signed in as {session.user.name}. <Link to={next}>Continue</Link> or sign in as someone else.
        </p>
      )}
      <SignInForm
        onSignedIn={(res) => {
          startSession(res);
          navigate(next, { replace: true });
        }}
      />
    </AuthLayout>
  );
}
