// The campaign table (GET /v1/campaigns), refreshed in place.

import { apiGet } from './api.js';
import { fmtInt, fmtMoney, fmtPercent, fmtRatio } from './format.js';

const COLUMNS = [
  ['impressions', fmtInt],
  ['clicks', fmtInt],
  ['conversions', fmtInt],
  ['ctr', fmtPercent],
  ['cvr', fmtPercent],
  ['spend', fmtMoney],
  ['cpc', fmtMoney],
  ['cpm', fmtMoney],
  ['cpa', fmtMoney],
  ['roas', fmtRatio],
  ['win_rate', fmtPercent],
];

function row(campaign, selectedId, onSelect) {
  const tr = document.createElement('tr');
  tr.dataset.testid = 'campaign-row';
  tr.dataset.campaignId = campaign.campaign_id;
  if (campaign.campaign_id === selectedId) tr.setAttribute('aria-current', 'true');
  const th = document.createElement('th');
  th.scope = 'row';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.dataset.testid = 'campaign-open';
  button.textContent = campaign.campaign_id;
  button.addEventListener('click', () => onSelect(campaign.campaign_id));
  th.append(button);
  tr.append(th);
  for (const [key, format] of COLUMNS) {
    const td = document.createElement('td');
    td.className = 'num';
    td.textContent = format(campaign[key]);
    tr.append(td);
  }
  return tr;
}

/** Loads and renders the table; returns the campaigns shown. */
export async function loadCampaigns({ range, sort, selectedId, onSelect, signal }) {
  const status = document.getElementById('campaigns-status');
  const body = await apiGet('/v1/campaigns', { from: range, sort, order: 'desc', limit: 50 }, signal);
  const tbody = document.getElementById('campaigns-body');
  tbody.replaceChildren(...body.campaigns.map((c) => row(c, selectedId, onSelect)));
  status.textContent = body.campaigns.length === 0 ? 'No campaign has events in this range yet.' : `${body.campaigns.length} campaigns, updated ${new Date().toLocaleTimeString()}.`;
  return body.campaigns;
}
