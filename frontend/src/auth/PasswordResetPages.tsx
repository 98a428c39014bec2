import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, Result } from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { allauth, AllauthNetworkError } from '../api/allauth';
import { PageLoading } from '../components/QueryState';
import { useFieldErrors } from '../hooks/fieldErrors';
import { useI18n } from '../i18n/I18nProvider';
import { AuthLayout } from './AuthLayout';
import { allauthToPayload } from './allauthForm';
import { useSession } from './SessionProvider';

/** /account/password/reset — ask for a reset link by email. */
export function PasswordRequestPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<{ email: string }>();
  const errors = useFieldErrors(form, { known: ['email'] });
  const [pending, setPending] = useState(false);
  const [sent, setSent] = useState(false);

  async function onFinish(values: { email: string }) {
    errors.clear();
    setPending(true);
    try {
      const res = await allauth.requestPasswordReset(values.email.trim());
      if (res.status === 200) setSent(true);
      else errors.apply(allauthToPayload(res.errors));
    } catch (err) {
      errors.setFormErrors([err instanceof AllauthNetworkError ? t('app.networkError') : String(err)]);
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title={t('auth.resetRequestTitle')}>
      {sent ? (
        <Result status="success" title={t('auth.resetRequestSent')} extra={<Link to="/login">{t('auth.toLogin')}</Link>} />
      ) : (
        <>
          <p>{t('auth.resetRequestBody')}</p>
          {errors.formErrors.length > 0 && (
            <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
          )}
          <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="password-request">
            <Form.Item
              name="email"
              label={t('auth.email')}
              rules={[
                { required: true, message: t('auth.required') },
                { type: 'email', message: t('auth.invalidEmail') },
              ]}
            >
              <Input autoComplete="email" inputMode="email" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={pending}>
              {t('app.submit')}
            </Button>
          </Form>
          <p style={{ marginTop: 16 }}>
            <Link to="/login">{t('auth.toLogin')}</Link>
          </p>
        </>
      )}
    </AuthLayout>
  );
}

/** /account/password/reset/key/:key — the link in the reset email: choose a new password. */
export function PasswordResetPage() {
  const { key = '' } = useParams();
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ password: string; password2: string }>();
  const errors = useFieldErrors(form, { known: ['password'] });
  const [state, setState] = useState<'loading' | 'ready' | 'invalid' | 'done'>('loading');
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let live = true;
    allauth
      .getPasswordReset(key)
      .then((res) => live && setState(res.status === 200 ? 'ready' : 'invalid'))
      .catch(() => live && setState('invalid'));
    return () => {
      live = false;
    };
  }, [key]);

  async function onFinish(values: { password: string }) {
    errors.clear();
    setPending(true);
    try {
      const res = await allauth.resetPassword(key, values.password);
      if (res.status === 200) {
        session.setAuthenticated(res.data?.user ?? null);
        navigate('/', { replace: true });
      } else if (res.status === 401) {
        setState('done');
      } else {
        errors.apply(allauthToPayload(res.errors));
      }
    } catch (err) {
      errors.setFormErrors([err instanceof AllauthNetworkError ? t('app.networkError') : String(err)]);
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title={t('auth.resetTitle')}>
      {state === 'loading' && <PageLoading />}
      {state === 'invalid' && (
        <Result status="warning" title={t('auth.resetInvalid')} extra={<Link to="/account/password/reset">{t('auth.resetRequestTitle')}</Link>} />
      )}
      {state === 'done' && <Result status="success" title={t('auth.resetDone')} extra={<Link to="/login">{t('auth.toLogin')}</Link>} />}
      {state === 'ready' && (
        <>
          {errors.formErrors.length > 0 && (
            <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
          )}
          <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="password-reset">
            <Form.Item name="password" label={t('auth.newPassword')} rules={[{ required: true, message: t('auth.required') }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              name="password2"
              label={t('auth.passwordAgain')}
              dependencies={['password']}
              rules={[
                { required: true, message: t('auth.required') },
                ({ getFieldValue }) => ({
                  validator: (_rule, value) =>
                    !value || getFieldValue('password') === value
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('auth.passwordMismatch'))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={pending}>
              {t('app.save')}
            </Button>
          </Form>
        </>
      )}
    </AuthLayout>
  );
}
