import { useEffect, useState } from 'react';
import { Alert, Button, Result } from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { allauth, AllauthNetworkError } from '../api/allauth';
import { PageLoading } from '../components/QueryState';
import { useI18n } from '../i18n/I18nProvider';
import { AuthLayout } from './AuthLayout';
import { useSession } from './SessionProvider';

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; email: string }
  | { kind: 'invalid'; message?: string }
  | { kind: 'done' };

/** /account/verify-email/:key — the link in allauth's verification email (HEADLESS_FRONTEND_URLS). */
export function VerifyEmailPage() {
  const { key = '' } = useParams();
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    allauth
      .getEmailVerification(key)
      .then((res) => {
        if (!live) return;
        if (res.status === 200 && res.data?.email) setState({ kind: 'ready', email: res.data.email });
        else setState({ kind: 'invalid', message: res.errors?.[0]?.message });
      })
      .catch(() => live && setState({ kind: 'invalid', message: t('app.networkError') }));
    return () => {
      live = false;
    };
  }, [key]);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      const res = await allauth.verifyEmail(key);
      if (res.status === 200) {
        session.setAuthenticated(res.data?.user ?? null);
        navigate('/', { replace: true });
      } else if (res.status === 401) {
        setState({ kind: 'done' }); // verified; logging in is the next step
      } else {
        setError(res.errors?.map((e) => e.message).join(' ') || t('auth.verifyInvalid'));
      }
    } catch (err) {
      setError(err instanceof AllauthNetworkError ? t('app.networkError') : String(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title={t('auth.verifyTitle')}>
      {state.kind === 'loading' && <PageLoading />}
      {state.kind === 'invalid' && (
        <Result status="warning" title={t('auth.verifyInvalid')} subTitle={state.message} extra={<Link to="/login">{t('auth.toLogin')}</Link>} />
      )}
      {state.kind === 'done' && (
        <Result status="success" title={t('auth.verifyDone')} extra={<Link to="/login">{t('auth.toLogin')}</Link>} />
      )}
      {state.kind === 'ready' && (
        <>
          {error && <Alert type="error" role="alert" showIcon message={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" block loading={pending} onClick={confirm} style={{ height: 'auto', minHeight: 32, whiteSpace: 'normal', overflowWrap: 'anywhere' }}>
            {t('auth.verifyConfirm', { email: state.email })}
          </Button>
        </>
      )}
    </AuthLayout>
  );
}
