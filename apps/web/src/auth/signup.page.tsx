import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { publicApi } from '../api/client';
import { SelectField, TextField } from '../ui/field';
import { browserCurrency, browserTimeZone, currencyOptions, timeZoneOptions } from '../ui/locale-options';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { useIdempotencyKey } from '../ui/use-idempotency-key';
import { AuthLayout } from './auth-layout';
import { startSession } from './session';

const FIELDS = ['business_name', 'name', 'email', 'password', 'currency', 'timezone'] as const;

export default function SignupPage() {
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const defaultZone = useMemo(browserTimeZone, []);
  const [form, setForm] = useState({
    business_name: '',
    name: '',
    email: '',
    password: '',
    currency: browserCurrency(),
    timezone: defaultZone,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const { name, ...rest } = form;
    const body = { ...rest, business_name: form.business_name.trim(), email: form.email.trim(), ...(name.trim() ? { name: name.trim() } : {}) };
    try {
      const res = await publicApi.signup(body, idem.keyFor(body));
      idem.done();
      startSession(res);
      const ready = res.store && res.register ? ` Your store “${res.store.name}” and register “${res.register.name}” are ready.` : '';
      navigate('/admin/stores', { replace: true, state: { flash: `Welcome to NovaPOS, ${res.tenant.name}!${ready}` } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Create your NovaPOS account"
      footer={
        <p>
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      }
    >
      <p className="auth__lead">Set up your business. We create your first store and register for you.</p>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={FIELDS} />
        <TextField
          label="Business name"
          value={form.business_name}
          onChange={set('business_name')}
          autoComplete="organization"
          required
          autoFocus
          error={fieldError(error, 'business_name')}
        />
        <TextField
          label="Your name"
          value={form.name}
          onChange={set('name')}
          autoComplete="name"
          hint="Shown on the till when you are signed in."
          error={fieldError(error, 'name')}
        />
        <TextField
          label="Email"
          type="email"
          value={form.email}
          onChange={set('email')}
          autoComplete="email"
          required
          error={fieldError(error, 'email')}
        />
        <TextField
          label="Password"
          type="password"
          value={form.password}
          onChange={set('password')}
          autoComplete="new-password"
          required
          minLength={12}
          hint="At least 12 characters. A short sentence works well."
          error={fieldError(error, 'password')}
        />
        <div className="form__row">
          <SelectField
            label="Currency"
            value={form.currency}
            onChange={set('currency')}
            options={currencyOptions()}
            required
            error={fieldError(error, 'currency')}
          />
          <SelectField
            label="Time zone"
            value={form.timezone}
            onChange={set('timezone')}
            options={timeZoneOptions(defaultZone)}
            required
            error={fieldError(error, 'timezone')}
          />
        </div>
        <button type="submit" className="button button--block" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
