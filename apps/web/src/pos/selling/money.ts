export { formatMoney, parseMoney } from '../../admin/shared/money';
import { formatMoney } from '../../admin/shared/money';

export const fmt = (amount: number, currency: string) => formatMoney({ amount, currency });
