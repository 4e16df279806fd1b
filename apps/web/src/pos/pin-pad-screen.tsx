import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { ApiError, createApi, type Cashier, type PinSession } from '../api/client';
import { Avatar } from '../ui/avatar';
import { ProblemAlert } from '../ui/problem-alert';
import { clearMisses, recordMiss, registerMissKey } from './cashiers-store';
import { ManagerUnlockDialog } from './manager-unlock-dialog';
import { pairingAuth, type Pairing } from './pairing-store';
import { lockedPinText, offlineText, pinFailure, type PinNotice } from './pin-failure';
import { signInOffline } from './pin/offline-sign-in';

const MAX = 6;
const MIN = 4;
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

// Pad buttons must not take focus from the PIN field on click, or a later Enter would press them.
const keepFocus = (e: MouseEvent) => e.preventDefault();

type Props = {
  pairing: Pairing;
  /** The person whose name was tapped; null for "Enter PIN only". */
  cashier: Cashier | null;
  offline: boolean;
  onSignedIn: (s: PinSession) => void;
  onBack: () => void;
  /** The server locked this person's PIN: their tile shows it. */
  onLocked: (userId: string) => void;
};

export function PinPadScreen({ pairing, cashier, offline, onSignedIn, onBack, onLocked }: Props) {
  const api = useMemo(() => createApi(pairingAuth), []);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<PinNotice | null>(() =>
    cashier?.pin_locked ? { tone: 'warning', text: lockedPinText(cashier) } : null,
  );
  const [unlocking, setUnlocking] = useState(false);
  const [unlocked, setUnlocked] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const missKey = cashier ? cashier.id : registerMissKey(pairing.register_id);

  const fail = useCallback(
    (err: unknown) => {
      const wrong = err instanceof ApiError && err.code === 'invalid_pin';
      const next = pinFailure(err, cashier, wrong ? recordMiss(missKey) : 0);
      setNotice(next);
      setError(next ? null : err);
      if (cashier && next?.userLocked) onLocked(cashier.id);
    },
    [cashier, missKey, onLocked],
  );

  const submit = useCallback(
    async (value: string) => {
      if (busy) return;
      if (value.length < MIN) {
        setNotice(null);
        setError(new Error(`Enter your ${MIN} to ${MAX} digit PIN.`));
        return;
      }
      setBusy(true);
      setError(null);
      setNotice(null);
      setUnlocked(false);
      // Offline (or the server out of reach): the PIN is checked here, against the stored verifiers.
      const offlineTry = async () => {
        const r = await signInOffline(pairing.store_id, value, cashier, missKey);
        if ('session' in r) return r.session;
        setNotice(r.notice);
        if (cashier && r.notice.userLocked) onLocked(cashier.id);
        setPin('');
        setBusy(false);
        inputRef.current?.focus();
        return null;
      };
      try {
        const session = offline
          ? await offlineTry()
          : await api
              .pinSignIn({
                store_id: pairing.store_id,
                register_id: pairing.register_id,
                pin: value,
                ...(cashier ? { user_id: cashier.id } : {}),
              })
              .catch((err: unknown) => (err instanceof ApiError && err.isNetwork ? offlineTry() : Promise.reject(err)));
        if (!session) return;
        // A success resets the server's counts for this person and this register.
        clearMisses(session.user.id, registerMissKey(pairing.register_id));
        onSignedIn(session);
      } catch (err) {
        fail(err);
        setPin('');
        setBusy(false);
        inputRef.current?.focus();
      }
    },
    [api, busy, cashier, fail, missKey, offline, onLocked, onSignedIn, pairing.register_id, pairing.store_id],
  );

  const press = useCallback((digit: string) => setPin((p) => (p.length < MAX ? p + digit : p)), []);
  const backspace = useCallback(() => setPin((p) => p.slice(0, -1)), []);

  // Typing works wherever focus is on the screen, not only in the PIN field.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (busy || unlocking || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target as HTMLElement | null;
      if (t?.closest('dialog') || (t && t !== inputRef.current && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      if (e.key === 'Escape') {
        // Escape clears the PIN, and on an empty PIN goes back to the names.
        if (pin) setPin('');
        else onBack();
        return;
      }
      if (t === inputRef.current) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        press(e.key);
      } else if (e.key === 'Backspace') {
        e.preventDefault();
        backspace();
      } else if (e.key === 'Enter' && t?.tagName !== 'BUTTON' && t?.tagName !== 'A') {
        e.preventDefault();
        void submit(pin);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, unlocking, pin, press, backspace, submit, onBack]);

  // After the dialog has closed and handed focus back, which would land on a button now gone.
  useEffect(() => {
    if (unlocked) inputRef.current?.focus();
  }, [unlocked]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void submit(pin);
  }

  function afterUnlock() {
    clearMisses(registerMissKey(pairing.register_id));
    setUnlocking(false);
    setNotice(null);
    setUnlocked(true);
  }

  const invalid = !!(error || notice?.tone === 'error');

  return (
    <section className="pin" aria-labelledby="pin-heading">
      <div className="pin__nav">
        <button type="button" className="button button--secondary button--small pin__back" onClick={onBack} disabled={busy}>
          <span aria-hidden="true">←</span> Back to cashiers
        </button>
      </div>
      {cashier && (
        <p className="pin__who">
          <Avatar name={cashier.name} className="avatar avatar--small" />
          <span>{cashier.name}</span>
        </p>
      )}
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
          aria-describedby="pin-error"
          aria-invalid={invalid ? true : undefined}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, MAX))}
        />
        <div id="pin-error" className="pin__error">
          {offline && !notice && !error && (
            <p className="alert alert--warning" role="status">
              <strong>This till is offline.</strong> {offlineText}
            </p>
          )}
          {notice && (
            <div className={`alert alert--${notice.tone}`} role="alert">
              <p>{notice.text}</p>
              {notice.registerLocked && (
                <button type="button" className="button button--small pin__unlock" onClick={() => setUnlocking(true)}>
                  Manager: unlock
                </button>
              )}
            </div>
          )}
          {unlocked && (
            <p className="alert alert--success" role="status">
              The PIN pad is unlocked. Enter your PIN.
            </p>
          )}
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
      {unlocking && <ManagerUnlockDialog pairing={pairing} onUnlocked={afterUnlock} onClose={() => setUnlocking(false)} />}
    </section>
  );
}
