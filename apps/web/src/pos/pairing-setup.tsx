import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { createApi, listAll, type SessionUser } from '../api/client';
import { authFor, memorySlot, revoke, tokensFrom, type TokenSlot } from '../auth/credentials';
import { sessionSlot, useSession } from '../auth/session';
import { SignInForm } from '../auth/sign-in-form';
import { SelectField } from '../ui/field';
import { ProblemAlert } from '../ui/problem-alert';
import { LoadError, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { pairDevice } from '../sync/device';
import { tillDb } from './db/till-db';
import { pairingSlot, savePairing, takeEndedNotice } from './pairing-store';
import { createTillApi } from './till-api';

type Pairer = { slot: TokenSlot; user: SessionUser; fromBackOffice: boolean };

/**
 * Pairing is done by someone allowed to (`pos.pair`): the back-office user already signed in on
 * this browser, or someone who signs in here just for this.
 */
export function PairingSetup() {
  const session = useSession();
  const [notice] = useState(takeEndedNotice);
  const [signedInHere, setSignedInHere] = useState<Pairer | null>(null);
  const [ignoreBackOffice, setIgnoreBackOffice] = useState(false);

  const pairer: Pairer | null =
    signedInHere ?? (session && !ignoreBackOffice ? { slot: sessionSlot, user: session.user, fromBackOffice: true } : null);

  function useDifferentAccount() {
    if (signedInHere) {
      const tokens = signedInHere.slot.readTokens();
      if (tokens) void revoke(tokens, [sessionSlot, pairingSlot]);
      setSignedInHere(null);
    }
    setIgnoreBackOffice(true);
  }

  return (
    <section className="pos-card">
      <h1 id="pair-heading" tabIndex={-1}>
        Pair this register
      </h1>
      {notice && (
        <p className="alert alert--warning" role="status">
          {notice}
        </p>
      )}
      {pairer ? (
        <ChooseRegister pairer={pairer} onDifferentAccount={useDifferentAccount} />
      ) : (
        <>
          <p className="pos-card__lead">
            A manager, admin or owner signs in once to link this device to a register. Cashiers then sign in with their PIN.
          </p>
          <SignInForm
            submitLabel="Sign in to pair"
            onSignedIn={(res) => {
              const slot = memorySlot(tokensFrom(res), () => setSignedInHere(null));
              setSignedInHere({ slot, user: res.user, fromBackOffice: false });
            }}
          />
          <p className="pos-card__foot">
            Setting up a new business? <Link to="/signup">Create an account</Link>
          </p>
        </>
      )}
    </section>
  );
}

function ChooseRegister({ pairer, onDifferentAccount }: { pairer: Pairer; onDifferentAccount: () => void }) {
  const api = useMemo(() => createApi(authFor(pairer.slot)), [pairer.slot]);
  const me = useAsync(() => api.me(), [api]);
  const canPair = me.status === 'ready' && me.data.permissions.includes('pos.pair');

  return (
    <>
      <p className="pos-card__who">
        Signed in as <strong>{pairer.user.name}</strong> ({pairer.user.email}).{' '}
        <button type="button" className="link-button" onClick={onDifferentAccount}>
          Use a different account
        </button>
      </p>
      {me.status === 'loading' && <Loading label="Checking your access…" />}
      {me.status === 'error' && <LoadError error={me.error} onRetry={me.reload} />}
      {me.status === 'ready' && !canPair && (
        <div className="alert alert--warning" role="alert">
          <p>
            {me.data.user.name} can’t pair registers. Sign in as a manager, admin or owner to pair this device.
          </p>
          <button type="button" className="button" onClick={onDifferentAccount}>
            Sign in as someone else
          </button>
        </div>
      )}
      {canPair && <RegisterPicker pairer={pairer} api={api} />}
    </>
  );
}

function RegisterPicker({ pairer, api }: { pairer: Pairer; api: ReturnType<typeof createApi> }) {
  const stores = useAsync(() => listAll((cursor) => api.listStores(cursor)), [api]);
  const [storeId, setStoreId] = useState('');
  const registers = useAsync(
    () => (storeId ? listAll((cursor) => api.listRegisters(storeId, cursor)) : Promise.resolve([])),
    [api, storeId],
  );
  const [registerId, setRegisterId] = useState('');
  const [error, setError] = useState<unknown>(null);

  // One store or one register: choose it, so the common single-till shop is one click.
  useEffect(() => {
    if (stores.status === 'ready' && stores.data.length === 1 && !storeId) setStoreId(stores.data[0]!.id);
  }, [stores.status, stores.data, storeId]);
  useEffect(() => {
    setRegisterId(registers.status === 'ready' && registers.data.length === 1 ? registers.data[0]!.id : '');
  }, [registers.status, registers.data]);

  const [pairing, setPairing] = useState(false);

  async function pair(e: FormEvent) {
    e.preventDefault();
    const store = stores.data?.find((s) => s.id === storeId);
    const register = registers.data?.find((r) => r.id === registerId);
    const tokens = pairer.slot.readTokens();
    if (!store || !register) return setError(new Error('Choose a store and a register.'));
    if (!tokens) return setError(new Error('Your sign-in has ended. Sign in again.'));
    // A new device id for the push endpoint, and the order counter from the server's last number.
    setPairing(true);
    await pairDevice(tillDb(), () => createTillApi(authFor(pairer.slot)).registerLastNumber(register.id), register.id, `S${store.number}-R${register.number}-`).catch(() => {});
    setPairing(false);
    savePairing({
      store_id: store.id,
      store_name: store.name,
      register_id: register.id,
      register_name: register.name,
      store_number: store.number,
      register_number: register.number,
      paired_by: { id: pairer.user.id, name: pairer.user.name, email: pairer.user.email },
      paired_at: new Date().toISOString(),
      tokens,
    });
  }

  if (stores.status === 'loading') return <Loading label="Loading stores…" />;
  if (stores.status === 'error') return <LoadError error={stores.error} onRetry={stores.reload} />;
  if (stores.data.length === 0) return <p className="empty">There are no stores yet. Create one in the back office first.</p>;

  return (
    <form className="form" onSubmit={(e) => void pair(e)}>
      <h2 className="visually-hidden">
        Choose the store and register
      </h2>
      <ProblemAlert error={error} />
      <SelectField
        label="Store"
        value={storeId}
        onChange={setStoreId}
        options={stores.data.map((s) => ({ value: s.id, label: s.name }))}
        placeholder="Choose a store"
        required
      />
      {storeId && registers.status === 'loading' && <Loading label="Loading registers…" />}
      {storeId && registers.status === 'error' && <LoadError error={registers.error} onRetry={registers.reload} />}
      {storeId && registers.status === 'ready' && registers.data.length === 0 && (
        <p className="empty">
          This store has no registers yet.{' '}
          {pairer.fromBackOffice && <Link to={`/admin/stores/${storeId}`}>Add one in the back office</Link>}
        </p>
      )}
      {storeId && registers.status === 'ready' && registers.data.length > 0 && (
        <SelectField
          label="Register"
          value={registerId}
          onChange={setRegisterId}
          options={registers.data.map((r) => ({ value: r.id, label: r.name }))}
          placeholder="Choose a register"
          required
        />
      )}
      <button type="submit" className="button button--block button--large" disabled={!storeId || !registerId || pairing}>
        {pairing ? 'Pairing…' : 'Pair this device'}
      </button>
    </form>
  );
}
