import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../../test/render';
import { STAFF_STREET, staffMe } from '../../../test/fixtures';
import { OrganisationsPage } from './OrganisationsPage';

const ORG = 'UHJvamVjdE9yZ2FuaXNhdGlvbjox';
const org = {
  id: ORG,
  name: '江川街道阳光社工服务中心',
  kind: 'social_organisation',
  creditCode: '52310000MJ0000000X',
  createdAt: '2026-11-25T10:00:00+08:00',
  region: { id: STAFF_STREET, name: '江川路街道' },
};
const members = [
  { userId: 'VXNlcjox', displayName: '王平明', email: 'staff@huzhu.demo', role: 'manager', addedAt: '2026-11-25T10:00:00+08:00' },
  { userId: 'VXNlcjoz', displayName: '社工 张三', email: 'sw1@huzhu.demo', role: 'member', addedAt: '2026-11-25T11:00:00+08:00' },
];
/** A plain organisation member: no staff or administrator role, so no 新建机构. */
const memberMe = { me: { ...staffMe.me, roles: [{ role: 'social_worker', region: { id: STAFF_STREET, name: '江川路街道', level: 'street' } }], memberOrganisationIds: [ORG] } };

type Answer = { data?: unknown; error?: Error };

function renderPage(answer: (vars: Record<string, unknown>, name: string) => Answer, me: unknown = staffMe) {
  const client = mockClient((vars, name) => (name === 'Me' ? { data: me } : answer(vars, name)));
  renderWithProviders(
    <MeProvider>
      <OrganisationsPage />
    </MeProvider>,
    { client },
  );
  return client;
}

const payload = (name: string, errors: { field: string | null; code: string; message: string }[], organisation: unknown = null) => ({
  data: { [name]: { organisation, errors } },
});

describe('OrganisationsPage', { timeout: 300_000 }, () => {
  it('lists the organisations with kind, region and credit code; a plain member sees no 新建机构', async () => {
    renderPage((_v, name) => (name === 'Organisations' ? { data: { projectOrganisations: [org] } } : { data: {} }), memberMe);
    expect(await screen.findByText('江川街道阳光社工服务中心')).toBeInTheDocument();
    expect(screen.getByText('社会组织')).toBeInTheDocument();
    expect(screen.getByText('52310000MJ0000000X')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /新建机构/ })).not.toBeInTheDocument();
  });

  it('says so when there are none, and tells staff how to register one', async () => {
    renderPage((_v, name) => (name === 'Organisations' ? { data: { projectOrganisations: [] } } : { data: {} }));
    expect(await screen.findByText(/本区域还没有申报机构/)).toBeInTheDocument();
  });

  it('shows the error with a retry button', async () => {
    const client = renderPage(() => ({ error: new Error('connection refused') }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('无法连接服务器');
    const before = client.calls.length;
    await userEvent.click(within(alert).getByRole('button', { name: /重\s*试/ }));
    await waitFor(() => expect(client.calls.length).toBeGreaterThan(before));
  });

  it('creates an organisation: sends every field, shows a typed error at its field, then saves', async () => {
    let attempt = 0;
    const client = renderPage((_v, name) => {
      if (name === 'Organisations') return { data: { projectOrganisations: [] } };
      if (name === 'OrganisationCreate') {
        attempt += 1;
        return attempt === 1
          ? payload('organisationCreate', [{ field: 'name', code: 'CONFLICT', message: '数据已被他人修改,请刷新后重试。' }])
          : payload('organisationCreate', [], { id: ORG, name: '江川新社工站' });
      }
      return { data: {} };
    });
    await userEvent.click(await screen.findByRole('button', { name: /新建机构/ }));
    const form = screen.getByRole('form', { name: '新建机构' });
    await userEvent.type(within(form).getByLabelText('机构名称'), '江川新社工站');
    await userEvent.type(within(form).getByLabelText('统一社会信用代码'), '52310000MJ0000001Y');
    await userEvent.click(within(form).getByRole('button', { name: '创建机构' }));
    expect(await within(form).findByText('数据已被他人修改,请刷新后重试。')).toBeInTheDocument();
    expect(client.calls.at(-1)).toEqual({
      name: '江川新社工站',
      kind: 'social_organisation',
      regionId: STAFF_STREET,
      workstationId: null,
      creditCode: '52310000MJ0000001Y',
    });
    await userEvent.click(within(form).getByRole('button', { name: '创建机构' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: '新建机构' })).not.toBeInTheDocument());
    expect(attempt).toBe(2);
  });

  it('lists members with their role, and shows typed errors of 添加成员 at the email or above the form', async () => {
    let attempt = 0;
    const client = renderPage((_v, name) => {
      if (name === 'Organisations') return { data: { projectOrganisations: [org] } };
      if (name === 'OrganisationMembers') return { data: { projectOrganisationMembers: members } };
      if (name === 'OrganisationMemberAdd') {
        attempt += 1;
        return attempt === 1
          ? payload('organisationMemberAdd', [{ field: 'email', code: 'NOT_FOUND', message: '找不到该对象,或您无权查看。' }])
          : payload('organisationMemberAdd', [{ field: null, code: 'PERMISSION_DENIED', message: '您没有执行此操作的权限。' }]);
      }
      return { data: {} };
    });
    await screen.findByText('江川街道阳光社工服务中心');
    await userEvent.click(screen.getByRole('button', { name: /展开行/ }));
    const panel = await screen.findByTestId(`members-${ORG}`);
    expect(await within(panel).findByText('sw1@huzhu.demo')).toBeInTheDocument();
    expect(within(panel).getByText('负责人')).toBeInTheDocument();

    const form = within(panel).getByRole('form', { name: '添加成员' });
    await userEvent.type(within(form).getByLabelText('注册邮箱'), 'nobody@huzhu.demo');
    await userEvent.click(within(form).getByRole('checkbox', { name: '设为负责人' }));
    await userEvent.click(within(form).getByRole('button', { name: '添加成员' }));
    expect(await within(form).findByText('找不到该对象,或您无权查看。')).toBeInTheDocument();
    expect(client.calls.at(-1)).toEqual({ organisationId: ORG, email: 'nobody@huzhu.demo', manager: true });

    await userEvent.click(within(form).getByRole('button', { name: '添加成员' }));
    expect(await within(panel).findByRole('alert')).toHaveTextContent('您没有执行此操作的权限。');
    expect(within(form).queryByText('找不到该对象,或您无权查看。')).not.toBeInTheDocument();
  });
});
