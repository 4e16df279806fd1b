import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router-dom';
import { getSession } from './auth/session';
import { getPairing } from './pos/pairing-store';
import { Loading } from './ui/status';

// Each area is its own chunk: the till never loads the back office.
const LoginPage = lazy(() => import('./auth/login.page'));
const SignupPage = lazy(() => import('./auth/signup.page'));
const AdminApp = lazy(() => import('./admin/admin-app'));
const PosApp = lazy(() => import('./pos/pos-app'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/login" element={page(<LoginPage />)} />
        <Route path="/signup" element={page(<SignupPage />)} />
        <Route path="/admin/*" element={page(<AdminApp />)} />
        <Route path="/pos/*" element={page(<PosApp />)} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </BrowserRouter>
  );
}

function Home() {
  if (getSession()) return <Navigate to="/admin" replace />;
  if (getPairing()) return <Navigate to="/pos" replace />;
  return <Navigate to="/login" replace />;
}

function NotFound() {
  return (
    <main className="centered-page">
      <div className="card">
        <h1>Page not found</h1>
        <p>There is nothing at this address.</p>
        <p>
          <Link to="/">Go to NovaPOS</Link>
        </p>
      </div>
    </main>
  );
}
