import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { TaskCreatePage } from './TaskCreatePage';

const community = { id: 'UmVnaW9uOjU=', name: '红旗社区', level: 'community', parentId: null };

function meWith(role: string) {
  return {
    me: {
      id: 'VXNlcjo5',
      email: 'sw1@huzhu.demo',
      displayName: '社工 一',
      language: 'zh-hans',
      isSuperuser: false,
      roles: [{ role, region: { id: community.id, name: community.name, level: 'community' } }],
    },
  };
}

describe('TaskCreatePage', { timeout: 300_000 }, () => {
  it('publishes a task led by the social worker, and shows a refused start time at the time field', async () => {
    const creates: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: meWith('social_worker') };
      if (name === 'RegionTree') return { data: { regions: [community] } };
      if (name === 'TaskCreate') {
        creates.push(vars);
        return {
          data: {
            serviceTaskCreate: { task: null, errors: [{ field: 'startsAt', code: 'INVALID', message: '开始时间须在将来。' }] },
          },
        };
      }
      return { data: {} };
    });
    renderWithProviders(
      <MeProvider>
        <TaskCreatePage />
      </MeProvider>,
      { client },
    );
    fireEvent.change(await screen.findByLabelText('任务名称'), { target: { value: '陪同就医' } });
    await userEvent.click(screen.getByRole('combobox', { name: '服务类型' }));
    await userEvent.click(await screen.findByTitle('陪同就医'));
    await userEvent.click(screen.getByRole('combobox', { name: '服务社区' }));
    await userEvent.click(await screen.findByTitle('红旗社区'));
    await userEvent.click(screen.getByRole('button', { name: /发\s*布/ }));

    expect(await screen.findByText('开始时间须在将来。')).toBeInTheDocument();
    await waitFor(() => expect(creates).toHaveLength(1));
    const input = creates[0]?.input as Record<string, unknown>;
    expect(input).toMatchObject({ title: '陪同就医', serviceType: 'hospital_escort', regionId: community.id, leadId: 'VXNlcjo5', openNow: true, slots: 2 });
    // times go as ISO instants, the end after the start
    expect(Date.parse(String(input.endsAt))).toBeGreaterThan(Date.parse(String(input.startsAt)));
  });

  it('publishes a task for a service need: the need’s summary shown, no service or community to choose, needId sent', async () => {
    const creates: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: meWith('social_worker') };
      if (name === 'RegionTree') return { data: { regions: [community] } };
      if (name === 'TaskCreate') {
        creates.push(vars);
        return { data: { serviceTaskCreate: { task: { id: 'VGFzazo3', status: 'open' }, errors: [] } } };
      }
      return { data: {} };
    });
    const need = { id: 'TmVlZDox', summary: '上门探访 · 30 分钟', communityName: '红旗社区', urgent: true };
    renderWithProviders(
      <MeProvider>
        <TaskCreatePage />
      </MeProvider>,
      { client, route: { pathname: '/tasks/new', search: `?needId=${need.id}`, state: { need } } },
    );
    expect(await screen.findByText('为服务需求发布任务：上门探访 · 30 分钟 · 红旗社区')).toBeInTheDocument();
    expect(screen.queryByLabelText('服务类型')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('服务社区')).not.toBeInTheDocument();
    expect(screen.getByLabelText('任务名称')).toHaveValue('上门探访 · 30 分钟 · 红旗社区');
    expect(screen.getByRole('switch', { name: '救急难' })).toBeChecked();
    await userEvent.click(screen.getByRole('button', { name: /发\s*布/ }));
    await waitFor(() => expect(creates).toHaveLength(1));
    expect(creates[0]?.input).toMatchObject({ needId: need.id, serviceType: null, regionId: null, urgent: true });
  });

  it('tells a user who is not a social worker that only social workers lead tasks, with the form disabled', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: meWith('volunteer') };
      if (name === 'RegionTree') return { data: { regions: [community] } };
      return { data: {} };
    });
    renderWithProviders(
      <MeProvider>
        <TaskCreatePage />
      </MeProvider>,
      { client },
    );
    expect(await screen.findByText('只有社工可以带队发布任务。')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /发\s*布/ })).toBeDisabled();
  });
});
