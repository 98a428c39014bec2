import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../test/render';
import { setLang } from '../i18n/language';
import { LoginPage } from './LoginPage';
import { SessionProvider } from './SessionProvider';

describe('LoginPage', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    setLang('zh-Hans');
    document.cookie = 'csrftoken=t; path=/';
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    fetchMock.mockReset();
  });

  function answer(login: object) {
    fetchMock.mockImplementation(async (url: string) =>
      url.endsWith('/auth/session')
        ? new Response('{"status":401,"data":{"flows":[{"id":"login"}]},"meta":{"is_authenticated":false}}', { status: 401 })
        : new Response(JSON.stringify(login), { status: (login as { status: number }).status }),
    );
  }

  async function submit() {
    renderWithProviders(
      <SessionProvider>
        <LoginPage />
      </SessionProvider>,
    );
    // fireEvent rather than userEvent.type: typing key by key through antd takes seconds on a busy machine
    fireEvent.change(screen.getByLabelText('邮箱'), { target: { value: 'staff@huzhu.demo' } });
    fireEvent.change(screen.getByLabelText('密码'), { target: { value: 'wrong' } });
    await userEvent.click(screen.getByRole('button', { name: /登\s*录/ }));
  }

  it('shows allauth’s message under the field it names', async () => {
    answer({ status: 400, errors: [{ code: 'email_password_mismatch', message: '邮箱或密码不正确。', param: 'password' }] });
    await submit();
    await waitFor(() =>
      expect(screen.getByLabelText('密码').closest('.ant-form-item')).toHaveTextContent('邮箱或密码不正确。'),
    );
    expect(screen.getByLabelText('邮箱').closest('.ant-form-item')).not.toHaveTextContent('邮箱或密码不正确。');
  });

  it('tells the user to verify the email first when allauth says so', async () => {
    answer({ status: 401, data: { flows: [{ id: 'verify_email', is_pending: true }] } });
    await submit();
    expect(await screen.findByText(/邮箱尚未验证/)).toBeInTheDocument();
  });

  it('does not send the form while a field is missing', async () => {
    answer({ status: 200 });
    renderWithProviders(
      <SessionProvider>
        <LoginPage />
      </SessionProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: /登\s*录/ }));
    expect(await screen.findAllByText('请填写此项')).toHaveLength(2);
    expect(fetchMock.mock.calls.some((c) => String(c[0]).endsWith('/auth/login'))).toBe(false);
  });
});
