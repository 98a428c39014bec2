import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { ProjectDetailPage } from './ProjectDetailPage';
import { me, project } from './fixtures.test-data';

function renderPage(client: ReturnType<typeof mockClient>, id = project().id) {
  return renderWithProviders(
    <MeProvider>
      <Routes>
        <Route path="/foundation/projects/:id" element={<ProjectDetailPage />} />
      </Routes>
    </MeProvider>,
    { client, route: `/foundation/projects/${id}` },
  );
}

describe('ProjectDetailPage', () => {
  it('shows the application; releasing a tranche (confirmed) shows its typed error on the tranche', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: me };
      if (name === 'Project') return { data: { project: project() } };
      if (name === 'TrancheRelease') {
        return { data: { trancheRelease: { tranche: null, errors: [{ field: null, code: 'INSUFFICIENT_FOUNDATION_FUNDS', message: '基金会资金不足。' }] } } };
      }
      return { data: {} };
    });
    renderPage(client);
    expect(await screen.findByRole('heading', { name: '困境儿童课后成长营' })).toBeInTheDocument();
    expect(screen.getByText('辅导老师课时费')).toBeInTheDocument();
    expect(screen.getByText('困境儿童')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: '资助与拨付' }));
    const tranche = await screen.findByTestId('tranche');
    expect(within(tranche).getByText('待拨付')).toBeInTheDocument();
    const release = within(tranche).getByRole('button', { name: /拨\s*付/ });
    expect(release).toBeEnabled();
    await userEvent.click(release);
    await waitFor(() => expect(screen.getAllByRole('button', { name: /拨\s*付/ }).length).toBeGreaterThan(1));
    await userEvent.click(screen.getAllByRole('button', { name: /拨\s*付/ }).at(-1)!); // the confirmation's
    expect(await within(tranche).findByRole('alert')).toHaveTextContent('基金会资金不足。 (INSUFFICIENT_FOUNDATION_FUNDS)');
    expect(client.calls.some((v) => v.trancheId === 'VHJhbmNoZTox')).toBe(true);
  }, 400_000);

  it('an assigned reviewer scores the criteria; a decision error is shown at its field', async () => {
    const underReview = project({
      status: 'under_review',
      tranches: [],
      decisions: [],
      reports: [],
      milestones: [],
      funding: { ...project().funding, grantFen: '0', committedFen: '0' },
    });
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: me };
      if (name === 'Project') return { data: { project: underReview } };
      if (name === 'ReviewSubmit') return { data: { reviewSubmit: { review: { id: 'r2', totalScore: 80 }, errors: [] } } };
      if (name === 'DecisionMake')
        return { data: { decisionMake: { decision: null, errors: [{ field: 'amountFen', code: 'AMOUNT_EXCEEDS_REQUEST', message: '资助金额不能超过申请金额。' }] } } };
      return { data: {} };
    });
    renderPage(client);
    await screen.findByRole('heading', { name: '困境儿童课后成长营' });
    await userEvent.click(screen.getByRole('tab', { name: '评审' }));

    // the review form: one number per published criterion
    fireEvent.change(await screen.findByLabelText(/需求迫切性/), { target: { value: '9' } });
    fireEvent.change(screen.getByLabelText(/预算合理性/), { target: { value: '7' } });
    await userEvent.click(screen.getByRole('button', { name: '提交评审意见' }));
    await waitFor(() =>
      expect(client.calls).toContainEqual(
        expect.objectContaining({
          recommendation: 'approve',
          scores: [
            { code: 'need', score: 9 },
            { code: 'budget', score: 7 },
          ],
        }),
      ),
    );

    // the decision: approve with an amount the server refuses → the message under the amount
    const decision = screen.getByRole('button', { name: /作出决定/ }).closest('form')!;
    await userEvent.click(within(decision).getByText('同意资助'));
    fireEvent.change(await within(decision).findByLabelText('资助金额（元）'), { target: { value: '40000' } });
    fireEvent.change(within(decision).getByLabelText('理由'), { target: { value: '同意' } });
    await userEvent.click(within(decision).getByRole('button', { name: /作出决定/ }));
    expect(await within(decision).findByText('资助金额不能超过申请金额。')).toBeInTheDocument();
    expect(client.calls).toContainEqual(expect.objectContaining({ outcome: 'approve', amountFen: '4000000', reasons: '同意' }));
  }, 400_000);
});
