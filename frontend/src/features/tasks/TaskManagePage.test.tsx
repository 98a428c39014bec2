import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import dayjs from 'dayjs';
import { MeProvider } from '../../auth/MeProvider';
import { renderWithProviders } from '../../test/render';
import { liveClient } from './liveClient.testutil';
import { TaskManagePage } from './TasksPages';

const TASK_ID = 'U2VydmljZVRhc2s6NDI=';

const me = {
  me: {
    __typename: 'MeType',
    id: 'VXNlcjo3',
    email: 'sw1@huzhu.demo',
    displayName: '社工 李明',
    language: 'zh-hans',
    isSuperuser: false,
    roles: [{ __typename: 'RoleGrant', role: 'social_worker', region: { __typename: 'Region', id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street' } }],
  },
};

type Attendance = { checkedOutAt: string | null; minutes: number; confirmedAt: string | null; creditedMinutes: number | null };

function task(status: string, attendance: Attendance | null) {
  return {
    serviceTask: {
      __typename: 'ServiceTask',
      id: TASK_ID,
      title: '上门探访独居老人',
      place: '江川路 9 号',
      startsAt: '2026-11-25T10:00:00+08:00',
      endsAt: '2026-11-25T10:30:00+08:00',
      slots: 1,
      slotsLeft: 0,
      urgent: true,
      status,
      serviceType: 'home_visit',
      plannedMinutes: 30,
      requiredSkills: [],
      proximity: 0,
      myClaimStatus: null,
      isLead: true,
      canManage: true,
      claimedCount: 1,
      waitlistCount: 0,
      region: { __typename: 'Region', id: 'UmVnaW9uOjU=', name: '红旗社区' },
      lead: { __typename: 'UserPublic', id: 'VXNlcjo3', displayName: '社工 李明' },
      description: '',
      claims: [
        {
          __typename: 'TaskClaim',
          id: 'VGFza0NsYWltOjE=',
          status: 'claimed',
          noShow: false,
          volunteer: { __typename: 'UserPublic', id: 'VXNlcjo5', displayName: '志愿者 王芳' },
          attendance: attendance && {
            __typename: 'Attendance',
            id: 'QXR0ZW5kYW5jZTox',
            checkedInAt: '2026-11-25T09:58:00+08:00',
            flagged: false,
            ...attendance,
          },
        },
      ],
    },
  };
}

const qr = {
  taskCheckinQr: {
    __typename: 'TaskCheckinQrPayload',
    qr: {
      __typename: 'CheckinQr',
      token: 'eyJ0Ijo0MiwibiI6ImFiYyJ9:1tAbCd:signature',
      url: 'http://127.0.0.1/scan?token=x',
      svgDataUri: 'data:image/svg+xml;base64,PHN2Zy8+',
      expiresAt: '2026-11-25T10:02:00+08:00',
      refreshInSeconds: 60,
    },
    errors: [],
  },
};

function renderPage(answer: Parameters<typeof liveClient>[0]) {
  const live = liveClient(answer);
  renderWithProviders(
    <MeProvider>
      <Routes>
        <Route path="/tasks/:id/manage" element={<TaskManagePage />} />
      </Routes>
    </MeProvider>,
    { client: live.client, route: `/tasks/${encodeURIComponent(TASK_ID)}/manage` },
  );
  return live;
}

const row = (): HTMLElement => screen.getAllByTestId('attendance-row')[0]!;

describe('TaskManagePage', () => {
  it('follows check-out live, shows a typed confirmation error, then the confirmed minutes', async () => {
    // the volunteer has checked in; the server then announces the check-out, and the lead confirms
    let state: 'in' | 'out' | 'confirmed' = 'in';
    let confirmTries = 0;
    const live = renderPage((name) => {
      if (name === 'Me') return { data: me };
      if (name === 'TaskCheckinQr') return { data: qr };
      if (name === 'TaskDetail') {
        if (state === 'in') return { data: task('in_progress', { checkedOutAt: null, minutes: 0, confirmedAt: null, creditedMinutes: null }) };
        if (state === 'out') return { data: task('in_progress', { checkedOutAt: '2026-11-25T10:29:00+08:00', minutes: 31, confirmedAt: null, creditedMinutes: null }) };
        return { data: task('completed', { checkedOutAt: '2026-11-25T10:29:00+08:00', minutes: 31, confirmedAt: '2026-11-25T10:35:00+08:00', creditedMinutes: 31 }) };
      }
      if (name === 'HoursConfirm') {
        confirmTries += 1;
        if (confirmTries === 1)
          return {
            data: {
              hoursConfirm: {
                __typename: 'HoursConfirm',
                attendances: null,
                errors: [{ __typename: 'VolunteeringError', field: null, code: 'NOTHING_TO_CONFIRM', message: '还没有志愿者签退，暂无可确认的时长。' }],
              },
            },
          };
        state = 'confirmed';
        return {
          data: {
            hoursConfirm: {
              __typename: 'HoursConfirm',
              attendances: [{ __typename: 'Attendance', id: 'QXR0ZW5kYW5jZTox', confirmedAt: '2026-11-25T10:35:00+08:00', creditedMinutes: 31 }],
              errors: [],
            },
          },
        };
      }
      return { data: {} };
    });

    expect(await screen.findByRole('heading', { name: '上门探访独居老人' })).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: '签到二维码' })).toBeInTheDocument();
    expect(screen.getByTestId('qr-token')).toHaveTextContent('…Cd:signature');
    expect(await screen.findByText('出勤实时更新')).toBeInTheDocument();
    await waitFor(() => expect(row()).toHaveTextContent('志愿者 王芳'));
    expect(row()).toHaveTextContent(dayjs('2026-11-25T09:58:00+08:00').format('HH:mm'));
    expect(row()).not.toHaveTextContent('分钟'); // no minutes before the check-out
    expect(within(row()).getByTestId('confirmed-at')).toHaveTextContent('—');

    // a confirmation before anyone checked out: the server's typed error, on the form
    await userEvent.click(screen.getByRole('button', { name: '确认时长' }));
    expect(await screen.findByText('还没有志愿者签退，暂无可确认的时长。')).toBeInTheDocument();

    // the check-out arrives over the websocket: the page fetches the task again, no reload
    const detailsBefore = live.count('TaskDetail');
    state = 'out';
    act(() => live.push('TaskChangedLive', { taskChanged: { __typename: 'TaskChangedEvent', taskId: TASK_ID, status: 'in_progress', slotsLeft: 0, kind: 'checked_out' } }));
    await waitFor(() => expect(row()).toHaveTextContent(dayjs('2026-11-25T10:29:00+08:00').format('HH:mm')));
    expect(live.count('TaskDetail')).toBe(detailsBefore + 1);
    expect(row()).toHaveTextContent('31 分钟');

    await userEvent.type(screen.getByLabelText('走访记录'), '老人身体尚好');
    await userEvent.click(screen.getByRole('button', { name: '确认时长' }));
    expect(await screen.findByRole('status')).toHaveTextContent('已确认 1 人的服务时长');
    await waitFor(() => expect(within(row()).getByTestId('confirmed-at')).toHaveTextContent(dayjs('2026-11-25T10:35:00+08:00').format('MM-DD HH:mm')));
    expect(screen.getByText(/· 已完成/)).toBeInTheDocument();
    // a completed task: no more QR code, nothing left to confirm
    expect(screen.queryByRole('img', { name: '签到二维码' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '确认时长' })).not.toBeInTheDocument();
    expect(screen.queryByText('还没有志愿者签退，暂无可确认的时长。')).not.toBeInTheDocument();
    expect(live.calls.find((c) => c.name === 'HoursConfirm' && c.variables.visitNotes === '老人身体尚好')).toBeTruthy();
  });

  it('says why there is no QR code when the viewer may not show one', async () => {
    renderPage((name) => {
      if (name === 'Me') return { data: me };
      if (name === 'TaskDetail') return { data: task('open', null) };
      if (name === 'TaskCheckinQr')
        return {
          data: {
            taskCheckinQr: {
              __typename: 'TaskCheckinQrPayload',
              qr: null,
              errors: [{ __typename: 'VolunteeringError', field: null, code: 'NOT_LEAD', message: '只有负责社工可以出示签到二维码。' }],
            },
          },
        };
      return { data: {} };
    });
    expect(await screen.findByText('只有负责社工可以出示签到二维码。')).toBeInTheDocument();
    expect(screen.queryByRole('img', { name: '签到二维码' })).not.toBeInTheDocument();
  });

  it('shows a retryable error when the task cannot be loaded', async () => {
    let fail = true;
    renderPage((name) => {
      if (name === 'Me') return { data: me };
      if (name === 'TaskCheckinQr') return { data: qr };
      if (name === 'TaskDetail') return fail ? { error: new Error('network down') } : { data: task('open', null) };
      return { data: {} };
    });
    const retry = await screen.findByRole('button', { name: /重\s*试|重新加载/ });
    fail = false;
    await userEvent.click(retry);
    expect(await screen.findByRole('heading', { name: '上门探访独居老人' })).toBeInTheDocument();
  });
});
