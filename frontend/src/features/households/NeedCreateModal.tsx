import { Alert, App, Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import { useMutation } from 'urql';
import type { NeedGoodsCategory, NeedKind, NeedServiceType } from '../../gql/graphql';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { GOODS_CATEGORY, NEED_KIND, SERVICE_TYPE, options } from '../../i18n/enums';
import { yuanToFen } from '../../i18n/format';
import { NeedCreateDocument } from './documents';

interface NeedValues {
  kind: NeedKind;
  urgent?: boolean;
  amountYuan?: string;
  goodsCategory?: NeedGoodsCategory;
  goodsItem?: string;
  quantity?: number;
  serviceType?: NeedServiceType;
  minutes?: number;
  description?: string;
}

// the server names the amount in fen; the form asks for yuan
const ALIASES = { amountFen: 'amountYuan' };
const KNOWN = ['kind', 'urgent', 'amountYuan', 'goodsCategory', 'goodsItem', 'quantity', 'serviceType', 'minutes', 'description'];

/** Staff open a need for a household: money, goods or service, urgent (救急难) or not. */
export function NeedCreateModal({
  householdId,
  open,
  onClose,
  onCreated,
}: {
  householdId: string;
  open: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<NeedValues>();
  const errors = useFieldErrors(form, { aliases: ALIASES, known: KNOWN });
  const [{ fetching }, create] = useMutation(NeedCreateDocument);
  const kind = Form.useWatch('kind', form) ?? 'goods';

  async function onFinish(v: NeedValues) {
    errors.clear();
    const result = await create({
      householdId,
      kind: v.kind,
      urgent: v.urgent ?? false,
      description: v.description ?? '',
      ...(v.kind === 'money' ? { amountFen: yuanToFen(v.amountYuan ?? '') } : {}),
      ...(v.kind === 'goods' ? { goodsCategory: v.goodsCategory ?? null, goodsItem: v.goodsItem ?? '', quantity: v.quantity ?? null } : {}),
      ...(v.kind === 'service' ? { serviceType: v.serviceType ?? null, minutes: v.minutes ?? null } : {}),
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.needCreate?.errors)) return;
    message.success(t('need.created'));
    form.resetFields();
    onClose();
    onCreated();
  }

  return (
    <Modal
      title={t('need.new')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      confirmLoading={fetching}
      destroyOnClose
    >
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form<NeedValues> form={form} layout="vertical" onFinish={onFinish} initialValues={{ kind: 'goods', urgent: false }} name="need-create">
        <Form.Item name="kind" label={t('need.kind')}>
          <Radio.Group optionType="button" options={options(NEED_KIND, lang)} />
        </Form.Item>
        {kind === 'money' && (
          <Form.Item
            name="amountYuan"
            label={t('need.amount')}
            rules={[
              { required: true, message: t('auth.required') },
              { validator: (_r, v?: string) => (!v || yuanToFen(v) ? Promise.resolve() : Promise.reject(new Error(t('need.amountInvalid')))) },
            ]}
          >
            <Input inputMode="decimal" prefix="¥" />
          </Form.Item>
        )}
        {kind === 'goods' && (
          <>
            <Form.Item name="goodsCategory" label={t('need.goodsCategory')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select options={options(GOODS_CATEGORY, lang)} />
            </Form.Item>
            <Form.Item name="goodsItem" label={t('need.goodsItem')} rules={[{ required: true, message: t('auth.required') }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="quantity" label={t('need.quantity')} rules={[{ required: true, message: t('auth.required') }]}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        {kind === 'service' && (
          <>
            <Form.Item name="serviceType" label={t('need.serviceType')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select options={options(SERVICE_TYPE, lang)} />
            </Form.Item>
            <Form.Item name="minutes" label={t('need.minutes')} rules={[{ required: true, message: t('auth.required') }]}>
              <InputNumber min={1} precision={0} step={30} style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        <Form.Item name="urgent" label={t('hh.urgent')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="description" label={t('need.description')}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
