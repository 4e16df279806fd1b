// Option lists for time zone, currency and country pickers, from the browser's own Intl data.

type Option = { value: string; label: string };

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let zones: Option[] | undefined;
export function timeZoneOptions(...mustInclude: (string | undefined)[]): Option[] {
  zones ??= (() => {
    const list = new Set(Intl.supportedValuesOf('timeZone'));
    list.add('UTC');
    return [...list].toSorted().map((z) => ({ value: z, label: z.replaceAll('_', ' ') }));
  })();
  const extra = mustInclude.filter((z): z is string => !!z && !zones!.some((o) => o.value === z));
  return extra.length ? [...extra.map((z) => ({ value: z, label: z.replaceAll('_', ' ') })), ...zones] : zones;
}

let currencies: Option[] | undefined;
export function currencyOptions(): Option[] {
  if (!currencies) {
    const names = new Intl.DisplayNames(['en'], { type: 'currency' });
    currencies = Intl.supportedValuesOf('currency').map((code) => ({ value: code, label: `${code} — ${names.of(code) ?? code}` }));
  }
  return currencies;
}

/** A guess at the retailer's currency from the browser's region; USD when unknown. */
export function browserCurrency(): string {
  try {
    const region = new Intl.Locale(navigator.language).maximize().region;
    const euro = 'AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK';
    const byRegion: Record<string, string> = {
      US: 'USD', GB: 'GBP', CA: 'CAD', AU: 'AUD', NZ: 'NZD', JP: 'JPY', CH: 'CHF', SE: 'SEK', NO: 'NOK',
      DK: 'DKK', PL: 'PLN', CZ: 'CZK', IN: 'INR', BR: 'BRL', MX: 'MXN', ZA: 'ZAR', SG: 'SGD', HK: 'HKD',
    };
    if (region && euro.split(' ').includes(region)) return 'EUR';
    return (region && byRegion[region]) || 'USD';
  } catch {
    return 'USD';
  }
}

// ISO 3166-1 alpha-2 codes; names come from Intl.DisplayNames.
const COUNTRY_CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
  'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
  'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
  'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
  'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
  'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';

let countries: Option[] | undefined;
export function countryOptions(): Option[] {
  if (!countries) {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    countries = COUNTRY_CODES.split(' ')
      .map((code) => ({ value: code, label: names.of(code) ?? code }))
      .toSorted((a, b) => a.label.localeCompare(b.label));
  }
  return countries;
}

export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
