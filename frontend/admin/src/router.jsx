// A small router over the History API. Every link keeps the page's query
// (shop, host, embedded, id_token), which Shopify's admin relies on.
import { useEffect, useState } from 'react';

const BASE = '/admin';

/** The path under /admin, with the query Shopify opened the app with. */
export function href(to) {
  const [path, query] = to.split('?');
  const q = new URLSearchParams(window.location.search);
  new URLSearchParams(query || '').forEach((v, k) => q.set(k, v));
  const qs = q.toString();
  return BASE + (path.startsWith('/') ? path : `/${path}`) + (qs ? `?${qs}` : '');
}

/** Goes to a page of the admin without reloading. */
export function navigate(to) {
  window.history.pushState(null, '', href(to));
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

/** The current path under /admin ("/", "/affiliates/7"), kept up to date. */
export function useRoute() {
  const read = () => window.location.pathname.replace(/^\/admin/, '') || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const on = () => setPath(read());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return path;
}

/** The link Polaris renders: in-app links route without a reload. */
export function Link({ url, external, children, ...rest }) {
  const internal = !external && url && url.startsWith('/') && !url.startsWith('/api/') && !url.startsWith('/auth/');
  if (!internal) {
    return (
      <a href={url} target={external ? '_blank' : undefined} rel={external ? 'noopener noreferrer' : undefined} {...rest}>
        {children}
      </a>
    );
  }
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(url);
  };
  return (
    <a href={href(url)} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
