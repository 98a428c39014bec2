import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockClient, renderWithProviders } from '../../test/render';
import { CriteriaCard } from './CriteriaCard';

const foundations = {
  foundations: [
    {
      id: 'Rm91bmRhdGlvbjox',
      name: '闵行区社区基金会',
      criteria: {
        id: '1',
        name: '2026 年度公益创投评审标准',
        publishedAt: '2026-11-25T10:00:00+08:00',
        criteria: [
          { code: 'need', name: '需求迫切性', description: '', weight: 60, maxScore: 10, position: 0 },
          { code: 'budget', name: '预算合理性', description: '', weight: 40, maxScore: 10, position: 1 },
        ],
      },
    },
  ],
};

describe('CriteriaCard', () => {
  it('shows the published weights and publishes edited ones; a refused weight is reported above the form', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'FoundationCriteria') return { data: foundations };
      if (name === 'CriteriaPublish')
        return { data: { criteriaPublish: { criteriaSet: null, errors: [{ field: 'criteria.weight', code: 'OUT_OF_RANGE', message: '权重须在 1–100 之间。' }] } } };
      return { data: {} };
    });
    renderWithProviders(<CriteriaCard />, { client });
    const weight1 = await screen.findByLabelText('权重 % 1');
    await waitFor(() => expect(weight1).toHaveValue('60'));
    expect(screen.getByText('权重合计 100')).toBeInTheDocument();
    fireEvent.change(weight1, { target: { value: '70' } });
    await userEvent.click(screen.getByRole('button', { name: '发布评审标准' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('权重须在 1–100 之间。');
    expect(client.calls).toContainEqual({
      foundationId: 'Rm91bmRhdGlvbjox',
      name: '2026 年度公益创投评审标准',
      criteria: [
        { code: 'need', name: '需求迫切性', weight: 70, maxScore: 10, description: '' },
        { code: 'budget', name: '预算合理性', weight: 40, maxScore: 10, description: '' },
      ],
    });
  }, 300_000);
});
