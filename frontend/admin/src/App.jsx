// The admin's shell: who is signed in, the navigation and the pages.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Banner, Frame, Navigation, Page, Spinner, Toast, TopBar, Text } from '@shopify/polaris';
import {
  CalculatorIcon, CashDollarIcon, TargetIcon, ChartVerticalIcon, ChartCohortIcon, DiscountIcon, EmailIcon, HomeIcon, OrderIcon, PersonIcon, SettingsIcon,
} from '@shopify/polaris-icons';
import { CodeIcon } from '@shopify/polaris-icons';
import { ConnectIcon } from '@shopify/polaris-icons';
import { embedded, logout, shop } from './api.js';
import { useApi } from './hooks.js';
import { useRoute } from './router.jsx';
import { AppContext } from './ui.jsx';
import favicon from './favicon.svg';
import { LoginPage } from './pages/Login.jsx';
import { GetStarted } from './pages/GetStarted.jsx';
import { Dashboard } from './pages/Dashboard.jsx';
import { Affiliates } from './pages/Affiliates.jsx';
import { AffiliateDetail } from './pages/AffiliateDetail.jsx';
import { Codes } from './pages/Codes.jsx';
import { Conversions } from './pages/Conversions.jsx';
import { ConversionDetail } from './pages/ConversionDetail.jsx';
import { Payouts } from './pages/Payouts.jsx';
import { PayoutRunDetail } from './pages/PayoutRunDetail.jsx';
import { Settings } from './pages/Settings.jsx';
import { Commission } from './pages/Commission.jsx';
import { Emails } from './pages/Emails.jsx';
import { Subscriptions } from './pages/Subscriptions.jsx';
import { Experiments } from './pages/Experiments.jsx';
import { ExperimentDetail } from './pages/ExperimentDetail.jsx';
import { Developers } from './pages/Developers.jsx';
import { Webhooks } from './pages/Webhooks.jsx';

const pages = [
  { url: '/', label: 'Get started', icon: HomeIcon, match: (p) => p === '/' },
  { url: '/dashboard', label: 'Dashboard', icon: ChartVerticalIcon },
  { url: '/subscriptions', label: 'Subscriptions', icon: ChartCohortIcon },
  { url: '/affiliates', label: 'Affiliates', icon: PersonIcon },
  { url: '/codes', label: 'Codes', icon: DiscountIcon },
  { url: '/conversions', label: 'Conversions', icon: OrderIcon },
  { url: '/experiments', label: 'Experiments', icon: TargetIcon },
  { url: '/payouts', label: 'Payouts', icon: CashDollarIcon },
  { url: '/emails', label: 'Emails', icon: EmailIcon },
  { url: '/commission', label: 'Commission', icon: CalculatorIcon },
  { url: '/webhooks', label: 'Webhooks', icon: ConnectIcon },
  { url: '/settings', label: 'Settings', icon: SettingsIcon },
  { url: '/developers', label: 'Developers', icon: CodeIcon },
];

/** Initials of a name for the user menu: "Demo Store" → "DS". */
export function initials(name) {
  const words = String(name || '').trim().split(/\s+/).filter(Boolean);
  return (words.slice(0, 2).map((w) => w[0]).join('') || 'M').toUpperCase();
}

// A WooCommerce store sends the merchant back with ?success=&user_id=
// (the connection's state): say what happened once, then drop them from
// the address so they are neither bookmarked nor carried to other pages.
function useWooReturn(toast, ready) {
  useEffect(() => {
    if (!ready) return;
    const q = new URLSearchParams(window.location.search);
    if (!q.has('user_id') || !q.has('success')) return;
    const ok = q.get('success') === '1';
    q.delete('success');
    q.delete('user_id');
    const qs = q.toString();
    window.history.replaceState(window.history.state, '', window.location.pathname + (qs ? `?${qs}` : '') + window.location.hash);
    toast(ok ? 'WooCommerce store connected: importing its codes' : 'WooCommerce connection cancelled: nothing was connected', !ok);
  }, [toast, ready]);
}

function route(path) {
  const m = path.match(/^\/affiliates\/(\d+)\/?$/);
  if (m) return <AffiliateDetail id={Number(m[1])} />;
  const conv = path.match(/^\/conversions\/(\d+)\/?$/);
  if (conv) return <ConversionDetail id={Number(conv[1])} />;
  const exp = path.match(/^\/experiments\/(\d+)\/?$/);
  if (exp) return <ExperimentDetail id={Number(exp[1])} />;
  const run = path.match(/^\/payouts\/runs\/(\d+)\/?$/);
  if (run) return <PayoutRunDetail id={Number(run[1])} />;
  switch (path.replace(/\/$/, '') || '/') {
    case '/dashboard':
      return <Dashboard />;
    case '/subscriptions':
      return <Subscriptions />;
    case '/affiliates':
      return <Affiliates />;
    case '/codes':
      return <Codes />;
    case '/conversions':
      return <Conversions />;
    case '/payouts':
      return <Payouts />;
    case '/experiments':
      return <Experiments />;
    case '/emails':
      return <Emails />;
    case '/commission':
      return <Commission />;
    case '/webhooks':
      return <Webhooks />;
    case '/settings':
      return <Settings />;
    case '/developers':
      return <Developers />;
    case '/':
      return <GetStarted />;
    default:
      return (
        <Page title="Page not found">
          <Banner tone="warning">This page does not exist. Choose one in the menu.</Banner>
        </Page>
      );
  }
}

/** The whole admin. */
export function App() {
  const settings = useApi('/settings');
  const path = useRoute();
  const [toast, setToast] = useState(null);
  const [navOpen, setNavOpen] = useState(false);
  const [userOpen, setUserOpen] = useState(false);
  const showToast = useCallback((content, error = false) => setToast({ content, error }), []);
  const ctx = useMemo(
    () => ({ settings: settings.data, toast: showToast, reloadSettings: settings.reload }),
    [settings.data, showToast, settings.reload],
  );
  useWooReturn(showToast, !!settings.data);

  if (settings.loading && !settings.data) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', height: '100vh' }}>
        <Spinner accessibilityLabel="Loading Codecredit" />
      </div>
    );
  }
  if (settings.error && settings.error.status === 401 && !embedded) return <LoginPage />;
  if (settings.error) return <SignInProblem error={settings.error} onRetry={settings.reload} />;

  const nav = (
    <Navigation location={path}>
      <Navigation.Section
        items={pages.map((p) => ({
          url: p.url,
          label: p.label,
          icon: p.icon,
          selected: p.match ? p.match(path) : path.startsWith(p.url),
          onClick: () => setNavOpen(false),
        }))}
      />
    </Navigation>
  );
  const account = (settings.data && settings.data.name) || 'Your store';
  const userMenu = embedded ? undefined : (
    <TopBar.UserMenu
      name={account}
      initials={initials(account)}
      detail={settings.data ? `Currency ${settings.data.currency}` : ''}
      open={userOpen}
      onToggle={() => setUserOpen((o) => !o)}
      actions={[{ items: [{ content: 'Sign out', onAction: () => logout().then(() => window.location.assign('/admin/')) }] }]}
    />
  );
  const topBar = (
    <TopBar
      showNavigationToggle
      onNavigationToggle={() => setNavOpen((o) => !o)}
      userMenu={userMenu}
      contextControl={<AppName />}
      searchField={<AccountName name={embedded ? shop : account} />}
    />
  );
  return (
    <AppContext.Provider value={ctx}>
      {embedded && <ShopifyNavMenu />}
      <Frame navigation={nav} topBar={topBar} showMobileNavigation={navOpen} onNavigationDismiss={() => setNavOpen(false)}>
        {route(path)}
        {toast && <Toast content={toast.content} error={toast.error} onDismiss={() => setToast(null)} />}
      </Frame>
    </AppContext.Provider>
  );
}

/** The top bar's left: the app's icon and name (wide screens). */
function AppName() {
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 8, paddingLeft: 16 }}>
      <img src={favicon} alt="" width={28} height={28} />
      <Text as="span" variant="headingMd" tone="text-inverse">Codecredit</Text>
    </div>
  );
}

/** The top bar's title: the account the admin is for. */
function AccountName({ name }) {
  return (
    <div style={{ minWidth: 0, maxWidth: '100%', padding: '0 8px' }}>
      <Text as="p" variant="headingMd" tone="text-inverse" alignment="center" truncate>{name}</Text>
    </div>
  );
}

// Inside Shopify admin, App Bridge's nav menu puts the pages in the
// admin's own sidebar (https://shopify.dev/docs/api/app-bridge-library/web-components/ui-nav-menu).
function ShopifyNavMenu() {
  return (
    <ui-nav-menu>
      {pages.map((p) => (
        <a key={p.url} href={`/admin${p.url}`} rel={p.url === '/' ? 'home' : undefined}>
          {p.label}
        </a>
      ))}
    </ui-nav-menu>
  );
}

function SignInProblem({ error, onRetry }) {
  const title = error.status === 401 ? 'Your session could not be verified' : error.status === 403 ? 'Codecredit is not installed on this shop' : 'Codecredit could not load';
  const help =
    error.status === 401
      ? 'Reload the page from your Shopify admin. If this keeps happening, open the app again from Apps.'
      : error.status === 403
        ? 'Install Codecredit from your Shopify admin, then open it again.'
        : error.message;
  return (
    <Page title="Codecredit" narrowWidth>
      <Banner tone="critical" title={title} action={{ content: 'Try again', onAction: onRetry }}>
        <p>{help}</p>
      </Banner>
    </Page>
  );
}
