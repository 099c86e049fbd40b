// Sign-in for merchants outside Shopify: a link by email.
import { useState } from 'react';
import { Banner, BlockStack, Button, Card, Form, FormLayout, Page, Text, TextField } from '@shopify/polaris';
import { requestLogin } from '../api.js';

const notices = {
  expired: ['warning', 'That sign-in link has expired or was already used. Ask for a new one below.'],
  unavailable: ['warning', 'Sign-in by email is not set up on this server.'],
};

/** The sign-in page shown when there is no Shopify shop and no session. */
export function LoginPage() {
  const [email, setEmail] = useState('');
  const [state, setState] = useState({ sending: false, sent: '', logged: false, error: '' });
  const notice = notices[new URLSearchParams(window.location.search).get('login')];
  const submit = async () => {
    setState({ sending: true, sent: '', logged: false, error: '' });
    try {
      const res = await requestLogin(email);
      setState({ sending: false, sent: res.message, logged: res.delivery === 'log', error: '' });
    } catch (e) {
      setState({ sending: false, sent: '', logged: false, error: e.message });
    }
  };
  return (
    <Page narrowWidth>
      <div style={{ marginTop: '10vh' }}>
        <Card>
          <BlockStack gap="400">
            <Text as="h1" variant="headingXl">
              Sign in to Codecredit
            </Text>
            <Text as="p" tone="subdued">
              Shopify merchants open Codecredit from Apps in their Shopify admin. Everyone else signs in with a link sent to the
              email of their Codecredit account.
            </Text>
            {notice && <Banner tone={notice[0]}>{notice[1]}</Banner>}
            {state.sent && (
              <Banner tone="success" title={state.logged ? "Check the server's log" : 'Check your inbox'}>
                {state.sent} The link works once, for 15 minutes.
              </Banner>
            )}
            {state.error && <Banner tone="critical">{state.error}</Banner>}
            <Form onSubmit={submit}>
              <FormLayout>
                <TextField label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" requiredIndicator />
                <Button submit variant="primary" loading={state.sending} disabled={!email.includes('@')}>
                  Email me a sign-in link
                </Button>
              </FormLayout>
            </Form>
          </BlockStack>
        </Card>
      </div>
    </Page>
  );
}
