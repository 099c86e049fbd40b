// The admin's shell: who is signed in, the navigation and the pages.
import { useCallback, useMemo, useState } from 'react';
import { Banner, Frame, Navigation, Page, Spinner, Toast, TopBar, Text } from '@shopify/polaris';
import { embedded, logout, shop } from './api.js';
import { useApi } from './hooks.js';
import { useRoute } from './router.jsx';
import { AppContext } from './ui.jsx';
import { LoginPage } from './pages/Login.jsx';
import { GetStarted } from './pages/GetStarted.jsx';
import { Dashboard } from './pages/Dashboard.jsx';
import { Affiliates } from './pages/Affiliates.jsx';
import { AffiliateDetail } from './pages/AffiliateDetail.jsx';
import { Codes } from './pages/Codes.jsx';
import { Conversions } from './pages/Conversions.jsx';
import { Payouts } from './pages/Payouts.jsx';
import { Settings } from './pages/Settings.jsx';

const pages = [
  { url: '/', label: 'Get started', match: (p) => p === '/' },
  { url: '/dashboard', label: 'Dashboard' },
  { url: '/affiliates', label: 'Affiliates' },
  { url: '/codes', label: 'Codes' },
  { url: '/conversions', label: 'Conversions' },
  { url: '/payouts', label: 'Payouts' },
  { url: '/settings', label: 'Settings' },
];

function route(path) {
  const m = path.match(/^\/affiliates\/(\d+)\/?$/);
  if (m) return <AffiliateDetail id={Number(m[1])} />;
  switch (path.replace(/\/$/, '') || '/') {
    case '/dashboard':
      return <Dashboard />;
    case '/affiliates':
      return <Affiliates />;
    case '/codes':
      return <Codes />;
    case '/conversions':
      return <Conversions />;
    case '/payouts':
      return <Payouts />;
    case '/settings':
      return <Settings />;
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
          selected: p.match ? p.match(path) : path.startsWith(p.url),
          onClick: () => setNavOpen(false),
        }))}
      />
    </Navigation>
  );
  const userMenu = embedded ? undefined : (
    <TopBar.UserMenu
      name="Merchant"
      initials="M"
      detail={settings.data ? settings.data.currency : ''}
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
      secondaryMenu={
        <div style={{ padding: '0 16px' }}>
          <Text as="span" variant="headingMd" tone="text-inverse">
            Codecredit{shop ? ` · ${shop}` : ''}
          </Text>
        </div>
      }
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
