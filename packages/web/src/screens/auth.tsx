import type { NatterClient } from '@natter/client';
import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { describeError } from '../app/chat-store.ts';
import { Link, navigate, queryParam } from '../app/router.tsx';

/** A label for the device list ("Sessions"), from the browser's own description. */
function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrom/.test(ua)
        ? 'Chrome'
        : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac/.test(ua)
        ? 'macOS'
        : /Win/.test(ua)
          ? 'Windows'
          : 'Linux';
  return `${browser} on ${os}`;
}

/** Runs a form's submit with a busy flag and an error line. */
function useSubmit(): {
  busy: boolean;
  error: string | null;
  run: (event: SyntheticEvent, action: () => Promise<void>) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (event: SyntheticEvent, action: () => Promise<void>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    action().then(
      () => {
        setBusy(false);
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(e));
      },
    );
  };
  return { busy, error, run };
}

function Field(props: {
  label: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
  autoFocus?: boolean;
  hint?: string;
  required?: boolean;
}): ReactNode {
  const id = `field-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        required={props.required ?? true}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

function Frame(props: { title: string; children: ReactNode }): ReactNode {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand" aria-hidden="true">
          <span className="logo">N</span> Natter
        </div>
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </main>
  );
}

function ErrorLine(props: { error: string | null }): ReactNode {
  return props.error ? (
    <p className="form-error" role="alert">
      {props.error}
    </p>
  ) : null;
}

function afterSignIn(location: string): void {
  const next = queryParam(location, 'next');
  navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
}

function SignIn(props: { client: NatterClient; location: string }): ReactNode {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  return (
    <Frame title="Sign in to Natter">
      <form
        onSubmit={(e) => {
          run(e, async () => {
            await props.client.login({ login: login.trim(), password, deviceLabel: deviceLabel() });
            afterSignIn(props.location);
          });
        }}
      >
        <Field label="Username or email" value={login} onChange={setLogin} autoComplete="username" autoFocus />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
        />
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-links">
        <Link to="/forgot-password">Forgot password?</Link>
        <Link to="/signup">Create an account</Link>
      </p>
    </Frame>
  );
}

function SignUp(props: { client: NatterClient; location: string }): ReactNode {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  return (
    <Frame title="Create your account">
      <form
        onSubmit={(e) => {
          run(e, async () => {
            const name = displayName.trim();
            await props.client.register({
              username: username.trim(),
              email: email.trim(),
              password,
              ...(name ? { displayName: name } : {}),
              deviceLabel: deviceLabel(),
            });
            afterSignIn(props.location);
          });
        }}
      >
        <Field
          label="Username"
          value={username}
          onChange={setUsername}
          autoComplete="username"
          autoFocus
          hint="Letters, digits, dots, dashes and underscores. People mention you as @username."
        />
        <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
        <Field
          label="Display name"
          value={displayName}
          onChange={setDisplayName}
          autoComplete="name"
          required={false}
        />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          hint="At least 8 characters; common passwords are refused."
        />
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="auth-links">
        <Link to="/signin">I already have an account</Link>
      </p>
    </Frame>
  );
}

function ForgotPassword(props: { client: NatterClient }): ReactNode {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useSubmit();
  return (
    <Frame title="Reset your password">
      {sent ? (
        <p role="status">If an account has that address, a reset link is on its way. The link works for one hour.</p>
      ) : (
        <form
          onSubmit={(e) => {
            run(e, async () => {
              await props.client.requestPasswordReset({ email: email.trim() });
              setSent(true);
            });
          }}
        >
          <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" autoFocus />
          <ErrorLine error={error} />
          <button type="submit" className="primary" disabled={busy}>
            Send reset link
          </button>
        </form>
      )}
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </Frame>
  );
}

function ResetPassword(props: { client: NatterClient }): ReactNode {
  // The token travels in the fragment, which browsers never send to a server or a proxy log.
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  if (!token) {
    return (
      <Frame title="Reset your password">
        <p role="alert">This link has no reset token. Ask for a new link.</p>
        <p className="auth-links">
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </Frame>
    );
  }
  return (
    <Frame title="Choose a new password">
      <form
        onSubmit={(e) => {
          run(e, async () => {
            await props.client.confirmPasswordReset({ token, newPassword: password, deviceLabel: deviceLabel() });
            window.history.replaceState(null, '', '/');
            navigate('/', { replace: true });
          });
        }}
      >
        <Field
          label="New password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          autoFocus
        />
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Set password and sign in
        </button>
      </form>
    </Frame>
  );
}

/** Sign in, sign up, and the password reset pair. */
export function AuthScreens(props: { client: NatterClient; path: string; location: string }): ReactNode {
  switch (props.path) {
    case '/signup':
      return <SignUp client={props.client} location={props.location} />;
    case '/forgot-password':
      return <ForgotPassword client={props.client} />;
    case '/reset-password':
      return <ResetPassword client={props.client} />;
    default:
      return <SignIn client={props.client} location={props.location} />;
  }
}
