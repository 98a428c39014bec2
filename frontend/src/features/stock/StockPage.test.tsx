import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { connectionOf, mockByOperation, renderWithProviders, type mockClient } from '../../test/render';
import { STAFF_STREET as STREET, staffMe as me } from '../../test/fixtures';
import { StockPage } from './StockPage';
import { staffWorkstations } from './useStaffWorkstations';

const workstations = {
  workstations: [
    { id: 'V29ya3N0YXRpb246MQ==', name: '江川路街道慈善工作站', region: { id: STREET, name: '江川路街道', parentId: 'UmVnaW9uOjE=' } },
    { id: 'V29ya3N0YXRpb246Mg==', name: '吴泾镇慈善工作站', region: { id: 'UmVnaW9uOjM=', name: '吴泾镇', parentId: 'UmVnaW9uOjE=' } },
  ],
};
const stock = {
  stock: [
    { itemKey: 'clothes_bedding/quilt', name: '棉被', category: 'clothes_bedding', unit: '床', onHand: 12, reserved: 2, available: 10 },
  ],
};
const pledge = {
  id: 'R29vZHNEb25hdGlvbjox',
  donorName: '李华',
  anonymous: false,
  itemKey: 'food_grain_oil/rice',
  itemName: '大米',
  unit: '袋',
  quantity: 5,
  receivedQuantity: 0,
  condition: 'new',
  status: 'pledged',
  message: '',
  createdAt: '2026-11-20T10:00:00+08:00',
  receivedAt: null,
};
const movement = {
  id: 'U3RvY2tNb3ZlbWVudDox',
  kind: 'received',
  itemKey: 'clothes_bedding/quilt',
  quantity: 12,
  onHandDelta: 12,
  reservedDelta: 0,
  reason: '',
  createdAt: '2026-11-20T10:00:00+08:00',
};

const answer = (overrides: Parameters<typeof mockByOperation>[1] = {}) =>
  mockByOperation(
    {
      Me: me,
      Workstations: workstations,
      Stock: stock,
      WorkstationGoodsPledges: { workstationGoodsPledges: connectionOf([pledge]) },
      StockMovements: { stockMovements: connectionOf([movement]) },
      GoodsTaxonomy: { goodsTaxonomy: [] },
    },
    overrides,
  );

function renderPage(client: ReturnType<typeof mockClient>) {
  return renderWithProviders(
    <MeProvider>
      <StockPage />
    </MeProvider>,
    { client },
  );
}

describe('staffWorkstations', () => {
  it('keeps the workstations of the staff grant regions, all for an administrator', () => {
    expect(staffWorkstations(workstations.workstations, me.me.roles, false).map((w) => w.name)).toEqual(['江川路街道慈善工作站']);
    expect(staffWorkstations(workstations.workstations, [{ role: 'administrator', region: { id: 'x' } }], false)).toHaveLength(2);
    expect(staffWorkstations(workstations.workstations, [{ role: 'volunteer', region: { id: STREET } }], false)).toEqual([]);
  });
});

describe('StockPage', () => {
  it("shows the workstation's stock per item and the pledges awaiting drop-off", async () => {
    renderPage(answer());
    expect(await screen.findByText('棉被')).toBeInTheDocument();
    expect(screen.getByText('江川路街道慈善工作站')).toBeInTheDocument();
    expect(screen.getByTestId('on-hand-clothes_bedding/quilt')).toHaveTextContent('12 床');
    expect(screen.getByText('衣物被褥')).toBeInTheDocument();
    expect(await screen.findByText('李华')).toBeInTheDocument();
    expect(screen.getByText('待送达')).toBeInTheDocument();
  });

  it('receives a pledge with the quantity brought, and shows a typed error next to the quantity', async () => {
    const client = answer({
      GoodsReceive: {
        data: {
          goodsReceive: {
            pledge: null,
            errors: [{ field: 'quantity', code: 'INVALID', message: '数量不能超过认捐数量。' }],
          },
        },
      },
    });
    renderPage(client);
    await userEvent.click(await screen.findByRole('button', { name: '入库 大米' }));
    const dialog = await screen.findByRole('dialog');
    const quantity = within(dialog).getByLabelText('数量');
    expect(quantity).toHaveValue('5');
    await userEvent.clear(quantity);
    await userEvent.type(quantity, '7');
    await userEvent.click(within(dialog).getByRole('button', { name: /接收物资/ }));
    expect(await within(dialog).findByText('数量不能超过认捐数量。', {}, { timeout: 20_000 })).toBeInTheDocument();
    const sent = client.calls.find((v) => v.pledgeId === pledge.id);
    expect(sent).toMatchObject({ quantity: 7, workstationId: workstations.workstations[0]!.id });
    expect(typeof sent?.idempotencyKey).toBe('string');
  });

  it('shows an empty stock and the error state of a failed list with a retry', async () => {
    renderPage(answer({ Stock: { data: { stock: [] } }, StockMovements: { error: new Error('boom') } }));
    expect(await screen.findByText('库存为空。接收物资后会显示在这里。')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: '库存流水' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('出错了'), { timeout: 20_000 });
    expect(screen.getByRole('button', { name: /重\s*试/ })).toBeInTheDocument();
  });
});
