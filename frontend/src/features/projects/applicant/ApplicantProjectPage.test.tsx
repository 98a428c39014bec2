import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { MeProvider } from '../../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../../test/render';
import { ApplicantProjectPage } from './ApplicantProjectPage';
import { applicantProject, member } from './fixtures.test-data';

function renderPage(client: ReturnType<typeof mockClient>, id: string) {
  return renderWithProviders(
    <MeProvider>
      <Routes>
        <Route path="/org/projects/:id" element={<ApplicantProjectPage />} />
      </Routes>
    </MeProvider>,
    { client, route: `/org/projects/${id}` },
  );
}

const draft = applicantProject({ status: 'draft', decisions: [], reports: [], submittedAt: null, reviewRound: 0 });

describe('ApplicantProjectPage', { timeout: 300_000 }, () => {
  it('submits a draft for review (confirmed), and shows a refusal above the page', async () => {
    const submits: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: member };
      if (name === 'ApplicantProject') return { data: { project: draft } };
      if (name === 'ApplicationSubmit') {
        submits.push(vars);
        return { data: { applicationSubmit: { project: null, errors: [{ field: null, code: 'WRONG_STATE', message: '项目当前状态不允许此操作。' }] } } };
      }
      return { data: {} };
    });
    renderPage(client, draft.id);
    expect(await screen.findByRole('heading', { name: draft.name })).toBeInTheDocument();
    expect(screen.getByTestId('project-status')).toHaveTextContent('草稿');
    expect(screen.getByRole('button', { name: /修\s*改/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /提交评审/ }));
    await userEvent.click(await screen.findByRole('button', { name: /^提\s*交$/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('项目当前状态不允许此操作。');
    expect(submits).toEqual([{ projectId: draft.id }]);
  });

  it('withdraws a submitted application with a reason', async () => {
    const submitted = { ...draft, status: 'submitted', reviewRound: 1 };
    const withdraws: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: member };
      if (name === 'ApplicantProject') return { data: { project: withdraws.length ? { ...submitted, status: 'withdrawn' } : submitted } };
      if (name === 'ApplicationWithdraw') {
        withdraws.push(vars);
        return { data: { applicationWithdraw: { project: { id: draft.id, status: 'withdrawn' }, errors: [] } } };
      }
      return { data: {} };
    });
    renderPage(client, draft.id);
    await screen.findByRole('heading', { name: draft.name });
    // a submitted application is no longer edited or submitted again
    expect(screen.queryByRole('button', { name: /提交评审/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /撤回申报/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('说明'), { target: { value: '合作方变更' } });
    await userEvent.click(within(dialog).getByRole('button', { name: /撤回申报/ }));
    await waitFor(() => expect(withdraws).toEqual([{ projectId: draft.id, reason: '合作方变更' }]));
    await waitFor(() => expect(screen.getByTestId('project-status')).toHaveTextContent('已撤回'));
  });

  it("on an approved project: shows the foundation's reason for a returned report, reports a milestone and records spending with typed errors at their fields", async () => {
    const approved = applicantProject({
      reports: [
        {
          ...applicantProject().reports[0],
          status: 'returned',
          reviewNote: '请补充服务对象签到表。',
          reviewedAt: '2026-11-26T10:00:00+08:00',
        },
      ],
    });
    const reports: Record<string, unknown>[] = [];
    const spendings: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: member };
      if (name === 'ApplicantProject') return { data: { project: approved } };
      if (name === 'MilestoneReportSubmit') {
        reports.push(vars);
        return { data: { milestoneReportSubmit: { report: null, errors: [{ field: 'householdsServed', code: 'OUT_OF_RANGE', message: '数值超出允许范围。' }] } } };
      }
      if (name === 'SpendingRecord') {
        spendings.push(vars);
        return { data: { spendingRecord: { spending: null, errors: [{ field: 'amountFen', code: 'OUT_OF_RANGE', message: '金额须大于零。' }] } } };
      }
      return { data: {} };
    });
    renderPage(client, approved.id);
    const review = await screen.findByTestId('report-review');
    expect(review).toHaveTextContent('基金会退回了该报告');
    expect(review).toHaveTextContent('请补充服务对象签到表。');

    // the returned milestone may be reported again
    const report = document.querySelector('form#report') as HTMLFormElement;
    fireEvent.change(within(report).getByLabelText('完成情况'), { target: { value: '补充了签到表。' } });
    fireEvent.change(within(report).getByLabelText('服务户数'), { target: { value: '-1' } });
    await userEvent.click(within(report).getByRole('button', { name: /提交报告/ }));
    expect(await within(report).findByText('数值超出允许范围。')).toBeInTheDocument();
    expect(reports[0]).toMatchObject({ milestoneId: approved.milestones[0]!.id, narrative: '补充了签到表。', householdsServed: -1 });

    const spending = document.querySelector('form#spending') as HTMLFormElement;
    fireEvent.change(within(spending).getByLabelText('金额（元）'), { target: { value: '-5' } });
    await userEvent.click(within(spending).getByRole('button', { name: /记\s*录/ }));
    expect(await within(spending).findByText('金额须大于零。')).toBeInTheDocument();
    expect(spendings[0]).toMatchObject({ projectId: approved.id, budgetLineId: approved.budgetLines[0]!.id, amountFen: '-500' });
    expect(String(spendings[0]!.idempotencyKey).length).toBeGreaterThan(8);
  });
});
