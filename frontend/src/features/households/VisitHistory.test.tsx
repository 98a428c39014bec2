import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { VisitHistory } from './VisitHistory';

const ME_ID = 'VXNlcjoy';
const me = {
  me: {
    id: ME_ID,
    email: 'sw1@huzhu.demo',
    displayName: '社工 李',
    language: 'zh-hans',
    isSuperuser: false,
    memberOrganisationIds: [],
    roles: [{ role: 'social_worker', region: { id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street' } }],
  },
};

const visit = (n: number, over: object = {}) => ({
  id: `VmlzaXQ6${n}`,
  visitedAt: `2026-11-${String(20 - n).padStart(2, '0')}T10:00:00+08:00`,
  visitorId: 'VXNlcjo5',
  visitorName: '社工 王',
  recordedByMe: false,
  notes: `第 ${n} 次探访：身体尚可`,
  ...over,
});

function page(nodes: object[], totalCount = nodes.length, hasNextPage = false) {
  return {
    householdVisits: {
      totalCount,
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'YXJyYXljb25uZWN0aW9uOjk=' : null },
      edges: nodes.map((node) => ({ node })),
    },
  };
}

function answer(visits: object | Error) {
  return mockClient((_vars, name) => {
    if (name === 'Me') return { data: me };
    return visits instanceof Error ? { error: visits } : { data: visits };
  });
}

function renderHistory(client: ReturnType<typeof mockClient>) {
  renderWithProviders(
    <MeProvider>
      <VisitHistory householdId="SG91c2Vob2xkOjE=" />
    </MeProvider>,
    { client },
  );
  return client;
}

const visitCalls = (client: ReturnType<typeof mockClient>) => client.calls.filter((c) => 'householdId' in c);

describe('VisitHistory', { timeout: 300_000 }, () => {
  it('shows a page of visits, newest first, with who recorded them and the total', async () => {
    renderHistory(answer(page([visit(1), visit(2, { recordedByMe: true, visitorId: ME_ID, visitorName: '社工 李' })], 23, true)));
    expect(await screen.findByText('第 1 次探访：身体尚可')).toBeInTheDocument();
    expect(screen.getByText(/^2026-11-19 \d\d:00$/)).toBeInTheDocument();
    expect(screen.getByText('第 2 次探访：身体尚可')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /社工 李 \(我\)/ })).toBeInTheDocument();
    expect(screen.getByText(/共 23 条 · 1 \/ 3/)).toBeInTheDocument();
  });

  it('asks for the next page from the end cursor, and back', async () => {
    const client = renderHistory(answer(page([visit(1)], 23, true)));
    await screen.findByText('第 1 次探访：身体尚可');
    expect(visitCalls(client)[0]).toMatchObject({ householdId: 'SG91c2Vob2xkOjE=', first: 10, after: null });
    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    expect(visitCalls(client).at(-1)).toMatchObject({ first: 10, after: 'YXJyYXljb25uZWN0aW9uOjk=' });
    await userEvent.click(screen.getByRole('button', { name: '上一页' }));
    expect(visitCalls(client).at(-1)).toMatchObject({ after: null });
  });

  it('filters by the visitor whose name is clicked, and by "only mine", from page one', async () => {
    const client = renderHistory(answer(page([visit(1)], 23, true)));
    await screen.findByText('第 1 次探访：身体尚可');
    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    await userEvent.click(screen.getByRole('button', { name: '社工 王' }));
    expect(visitCalls(client).at(-1)).toMatchObject({ visitorId: 'VXNlcjo5', after: null });
    expect(screen.getByText('记录人：社工 王')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('只看我记录的'));
    expect(visitCalls(client).at(-1)).toMatchObject({ visitorId: ME_ID, after: null });
    await userEvent.click(screen.getByLabelText('只看我记录的'));
    expect(visitCalls(client).at(-1)).toMatchObject({ visitorId: null });
  });

  it('says so when the household has no visits yet', async () => {
    renderHistory(answer(page([])));
    expect(await screen.findByText('暂无探访记录')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '下一页' })).toBeDisabled();
  });

  it('shows the error with a retry that asks again', async () => {
    const client = renderHistory(answer(new TypeError('Failed to fetch')));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('无法连接服务器');
    const before = visitCalls(client).length;
    await userEvent.click(within(alert).getByRole('button', { name: /重\s*试/ }));
    expect(visitCalls(client).length).toBe(before + 1);
  });
});
