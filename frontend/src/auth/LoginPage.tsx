import { useState } from 'react';
import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { allauth, AllauthNetworkError, verificationPending } from '../api/allauth';
import { useFieldErrors } from '../hooks/fieldErrors';
import { useI18n } from '../i18n/I18nProvider';
import { AuthLayout } from './AuthLayout';
import { allauthToPayload } from './allauthForm';
import { useSession } from './SessionProvider';

interface LoginValues {
  email: string;
  password: string;
}

export function LoginPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<LoginValues>();
  const errors = useFieldErrors(form, { known: ['email', 'password'] });
  const [pending, setPending] = useState(false);
  const [needsVerification, setNeedsVerification] = useState(false);
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  async function onFinish(values: LoginValues) {
    errors.clear();
    setNeedsVerification(false);
    setPending(true);
    try {
      const res = await allauth.login(values.email.trim(), values.password);
      if (res.status === 200) {
        session.setAuthenticated(res.data?.user ?? { id: '', email: values.email });
        navigate(from, { replace: true });
      } else if (verificationPending(res)) {
        setNeedsVerification(true);
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
    <AuthLayout title={t('auth.loginTitle')}>
      {needsVerification && <Alert type="warning" showIcon message={t('auth.verifyPending')} style={{ marginBottom: 16 }} />}
      {errors.formErrors.length > 0 && (
        <Alert type="error" showIcon role="alert" message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="login">
        <Form.Item
          name="email"
          label={t('auth.email')}
          rules={[
            { required: true, message: t('auth.required') },
            { type: 'email', message: t('auth.invalidEmail') },
          ]}
        >
          <Input autoComplete="email" inputMode="email" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={pending}>
          {t('auth.login')}
        </Button>
      </Form>
      <Space direction="vertical" style={{ marginTop: 16, width: '100%' }}>
        <Link to="/account/password/reset">{t('auth.forgot')}</Link>
        <span>
          {t('auth.noAccount')} <Link to="/account/signup">{t('auth.signup')}</Link>
        </span>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('auth.demoHint')}
        </Typography.Text>
      </Space>
    </AuthLayout>
  );
}
