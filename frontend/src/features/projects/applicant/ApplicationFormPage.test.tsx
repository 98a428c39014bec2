import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { MeProvider } from '../../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../../test/render';
import { ApplicationFormPage } from './ApplicationFormPage';
import { ORG_ID, applicantProject, choices, member } from './fixtures.test-data';

const draft = applicantProject({
  status: 'draft',
  budgetLines: [{ id: 'QkwxMQ==', position: 0, name: '食材采购', note: '', category: 'materials', amountFen: '500000' }],
  milestones: [
    { id: 'TWlsZXN0b25lOjE=', position: 0, title: '启动', dueOn: '2026-10-06', deliverables: '', plannedTrancheFen: '300000', tranche: null },
  ],
});

function renderForm(client: ReturnType<typeof mockClient>, route: string) {
  return renderWithProviders(
    <MeProvider>
      <Routes>
        <Route path="/org/projects/new" element={<ApplicationFormPage />} />
        <Route path="/org/projects/:id/edit" element={<ApplicationFormPage />} />
        <Route path="/org/projects/:id" element={<p>project page</p>} />
      </Routes>
    </MeProvider>,
    { client, route },
  );
}

describe('ApplicationFormPage', { timeout: 300_000 }, () => {
  it('saves an edited draft with amounts in fen, and shows the typed error of the tranches under the milestones', async () => {
    const saves: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: member };
      if (name === 'ApplicationChoices') return { data: choices };
      if (name === 'ApplicantProject') return { data: { project: draft } };
      if (name === 'ApplicationSave') {
        saves.push(vars);
        return {
          data: {
            applicationSave: {
              project: null,
              errors: [{ field: 'milestones', code: 'TRANCHES_EXCEED_BUDGET', message: '各节点计划拨付金额之和不能超过预算总额,且须大于零。' }],
            },
          },
        };
      }
      return { data: {} };
    });
    renderForm(client, `/org/projects/${draft.id}/edit`);
    const name = await screen.findByLabelText('项目名称');
    expect(name).toHaveValue(draft.name);
    // the stored amounts come back in yuan
    expect(screen.getByLabelText('金额（元） 1')).toHaveValue('5000.00');
    fireEvent.change(screen.getByLabelText('计划拨付（元） 1'), { target: { value: '6000' } });
    expect(within(screen.getByTestId('requested-total')).getByText('¥6,000.00')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /保存草稿/ }));
    const milestones = screen.getByTestId('milestones');
    expect(await within(milestones).findByText('各节点计划拨付金额之和不能超过预算总额,且须大于零。')).toBeInTheDocument();
    await waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0]).toMatchObject({
      projectId: draft.id,
      input: {
        organisationId: ORG_ID,
        name: draft.name,
        startsOn: draft.startsOn,
        endsOn: draft.endsOn,
        budgetLines: [{ name: '食材采购', category: 'materials', amountFen: '500000', note: '' }],
        milestones: [{ title: '启动', dueOn: '2026-10-06', trancheFen: '600000', deliverables: '' }],
      },
    });
  });

  it('shows a refused budget amount under the budget lines, and after the fix opens the saved project', async () => {
    let attempt = 0;
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: member };
      if (name === 'ApplicationChoices') return { data: choices };
      if (name === 'ApplicantProject') return { data: { project: draft } };
      if (name === 'ApplicationSave') {
        attempt += 1;
        return attempt === 1
          ? { data: { applicationSave: { project: null, errors: [{ field: 'budgetLines.amountFen', code: 'OUT_OF_RANGE', message: '数值超出允许范围。' }] } } }
          : { data: { applicationSave: { project: draft, errors: [] } } };
      }
      return { data: {} };
    });
    renderForm(client, `/org/projects/${draft.id}/edit`);
    const amount = await screen.findByLabelText('金额（元） 1');
    fireEvent.change(amount, { target: { value: '-5' } });
    await userEvent.click(screen.getByRole('button', { name: /保存草稿/ }));
    expect(await within(screen.getByTestId('budget-lines')).findByText('数值超出允许范围。')).toBeInTheDocument();

    fireEvent.change(amount, { target: { value: '5000' } });
    await userEvent.click(screen.getByRole('button', { name: /保存草稿/ }));
    expect(await screen.findByText('project page')).toBeInTheDocument();
  });

  it('offers only the organisations the member belongs to, and refuses a malformed amount before sending', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: member };
      if (name === 'ApplicationChoices') return { data: choices };
      return { data: {} };
    });
    renderForm(client, '/org/projects/new');
    expect(await screen.findByRole('heading', { name: '新建项目申报' })).toBeInTheDocument();
    expect(await screen.findByTitle('江川街道阳光社工服务中心')).toBeInTheDocument();
    // what the foundation will score the application on
    expect(await screen.findByTestId('foundation-criteria')).toHaveTextContent('需求迫切性（权重 60%）、预算合理性（权重 40%）');
    await userEvent.click(screen.getByRole('combobox', { name: '申报机构' }));
    expect(screen.queryByTitle('别的机构')).not.toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('金额（元） 1'), { target: { value: '12.345' } });
    await userEvent.click(screen.getByRole('button', { name: /保存草稿/ }));
    expect(await screen.findByText('请输入金额（元），最多两位小数')).toBeInTheDocument();
    expect(client.calls.some((vars) => 'input' in vars)).toBe(false);
  });
});
