import { useState } from 'react';
import { Alert, Button, Form, Input, Result } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { allauth, AllauthNetworkError, verificationPending } from '../api/allauth';
import { useFieldErrors } from '../hooks/fieldErrors';
import { useI18n } from '../i18n/I18nProvider';
import { AuthLayout } from './AuthLayout';
import { allauthToPayload } from './allauthForm';
import { useSession } from './SessionProvider';

interface SignupValues {
  email: string;
  password: string;
  password2: string;
}

export function SignupPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<SignupValues>();
  const errors = useFieldErrors(form, { known: ['email', 'password'] });
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const session = useSession();
  const navigate = useNavigate();

  async function onFinish(values: SignupValues) {
    errors.clear();
    setPending(true);
    try {
      const email = values.email.trim();
      const res = await allauth.signup(email, values.password);
      if (res.status === 200) {
        session.setAuthenticated(res.data?.user ?? { id: '', email });
        navigate('/', { replace: true });
      } else if (verificationPending(res)) {
        setSentTo(email);
      } else {
        errors.apply(allauthToPayload(res.errors));
      }
    } catch (err) {
      errors.setFormErrors([err instanceof AllauthNetworkError ? t('app.networkError') : String(err)]);
    } finally {
      setPending(false);
    }
  }

  if (sentTo) {
    return (
      <AuthLayout title={t('auth.checkEmailTitle')}>
        <Result
          status="success"
          title={t('auth.checkEmailTitle')}
          subTitle={t('auth.checkEmailBody', { email: sentTo })}
          extra={<Link to="/login">{t('auth.toLogin')}</Link>}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('auth.signupTitle')}>
      {errors.formErrors.length > 0 && (
        <Alert type="error" showIcon role="alert" message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="signup">
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
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.required') }]}>
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
          {t('auth.signup')}
        </Button>
      </Form>
      <p style={{ marginTop: 16 }}>
        {t('auth.haveAccount')} <Link to="/login">{t('auth.login')}</Link>
      </p>
    </AuthLayout>
  );
}
