import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { createApi, type PinSession } from '../api/client';
import { ProblemAlert } from '../ui/problem-alert';
import { pairingAuth, type Pairing } from './pairing-store';

const MAX = 6;
const MIN = 4;
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

// Pad buttons must not take focus from the PIN field on click, or a later Enter would press them.
const keepFocus = (e: MouseEvent) => e.preventDefault();

export function PinPadScreen({ pairing, onSignedIn }: { pairing: Pairing; onSignedIn: (s: PinSession) => void }) {
  const api = useMemo(() => createApi(pairingAuth), []);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = useCallback(
    async (value: string) => {
      if (busy) return;
      if (value.length < MIN) {
        setError(new Error(`Enter your ${MIN} to ${MAX} digit PIN.`));
        return;
      }
      setBusy(true);
      setError(null);
      try {
        const session = await api.pinSignIn({ store_id: pairing.store_id, register_id: pairing.register_id, pin: value });
        onSignedIn(session);
      } catch (err) {
        setError(err);
        setPin('');
        setBusy(false);
        inputRef.current?.focus();
      }
    },
    [api, busy, onSignedIn, pairing.register_id, pairing.store_id],
  );

  const press = useCallback((digit: string) => setPin((p) => (p.length < MAX ? p + digit : p)), []);
  const backspace = useCallback(() => setPin((p) => p.slice(0, -1)), []);

  // Typing works wherever focus is on the screen, not only in the PIN field.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (busy || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target as HTMLElement | null;
      if (t === inputRef.current || t?.closest('dialog') || (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        press(e.key);
      } else if (e.key === 'Backspace') {
        e.preventDefault();
        backspace();
      } else if (e.key === 'Escape') {
        setPin('');
      } else if (e.key === 'Enter' && t?.tagName !== 'BUTTON' && t?.tagName !== 'A') {
        e.preventDefault();
        void submit(pin);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, pin, press, backspace, submit]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void submit(pin);
  }

  return (
    <section className="pin">
      <h1 id="pin-heading" className="pin__title">
        Enter your PIN
      </h1>
      <p className="pin__subtitle">to sign in on {pairing.register_name}</p>
      <form className="pin__form" onSubmit={onSubmit}>
        <label htmlFor="pin-input" className="visually-hidden">
          PIN
        </label>
        <input
          id="pin-input"
          ref={inputRef}
          className="pin__input"
          type="password"
          inputMode="none"
          autoComplete="off"
          autoFocus
          maxLength={MAX}
          value={pin}
          disabled={busy}
          aria-describedby={error ? 'pin-error' : undefined}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, MAX))}
        />
        <div id="pin-error" className="pin__error">
          <ProblemAlert error={error} />
        </div>
        <div className="pin__pad" role="group" aria-label="Number pad">
          {DIGITS.map((d) => (
            <button key={d} type="button" className="pin__key" onMouseDown={keepFocus} onClick={() => press(d)} disabled={busy}>
              {d}
            </button>
          ))}
          <button type="button" className="pin__key pin__key--muted" onMouseDown={keepFocus} onClick={() => setPin('')} disabled={busy || !pin}>
            Clear
          </button>
          <button type="button" className="pin__key" onMouseDown={keepFocus} onClick={() => press('0')} disabled={busy}>
            0
          </button>
          <button
            type="button"
            className="pin__key pin__key--muted"
            onMouseDown={keepFocus}
            onClick={backspace}
            disabled={busy || !pin}
            aria-label="Delete last digit"
          >
            ⌫
          </button>
        </div>
        <button type="submit" className="button button--block button--large pin__submit" disabled={busy || pin.length < MIN}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
