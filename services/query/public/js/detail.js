// The drill-down for one campaign: time series (insights), funnel and
// breakdowns by device, platform and country.

import { apiGet } from './api.js';
import { fmtAge, fmtInt, fmtMoney, fmtPercent } from './format.js';

const $ = (id) => document.getElementById(id);
const BREAKDOWNS = ['device', 'platform', 'country'];
let chart;

function bucketLabel(t, granularity) {
  const d = new Date(t);
  if (granularity === 'day') return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  if (granularity === 'hour') return d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function renderChart(insights) {
  const canvas = $('insights-chart');
  const labels = insights.series.map((p) => bucketLabel(p.t, insights.granularity));
  const datasets = [
    { label: 'Impressions', data: insights.series.map((p) => p.impressions), yAxisID: 'y', borderColor: '#2563eb', backgroundColor: '#2563eb' },
    { label: 'Clicks', data: insights.series.map((p) => p.clicks), yAxisID: 'y1', borderColor: '#d97706', backgroundColor: '#d97706' },
    { label: 'Conversions', data: insights.series.map((p) => p.conversions), yAxisID: 'y1', borderColor: '#059669', backgroundColor: '#059669' },
  ];
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets.forEach((ds, i) => (ds.data = datasets[i].data));
    chart.update('none');
  } else {
    chart = new window.Chart(canvas, {
      type: 'line',
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        elements: { point: { radius: 2 }, line: { tension: 0.2, borderWidth: 2 } },
        scales: {
          y: { beginAtZero: true, position: 'left', title: { display: true, text: 'impressions' } },
          y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'clicks, conversions' } },
        },
      },
    });
  }
  canvas.dataset.points = String(insights.series.length);
  $('insights-granularity').textContent = insights.granularity;
  const t = insights.totals;
  canvas.setAttribute(
    'aria-label',
    `${insights.campaign_id}: ${fmtInt(t.impressions)} impressions, ${fmtInt(t.clicks)} clicks, ${fmtInt(t.conversions)} conversions in ${insights.series.length} ${insights.granularity} buckets`,
  );
}

function renderFunnel(funnel) {
  const first = funnel.steps[0]?.count ?? 0;
  const items = funnel.steps.map((step) => {
    const li = document.createElement('li');
    li.dataset.testid = 'funnel-step';
    li.dataset.step = step.step;
    li.dataset.count = String(step.count);
    const label = document.createElement('span');
    label.className = 'step-name';
    label.textContent = `${step.step}s`;
    const meter = document.createElement('meter');
    meter.min = 0;
    meter.max = Math.max(first, 1);
    meter.value = step.count;
    meter.setAttribute('aria-label', `${step.step}s relative to impressions`);
    const value = document.createElement('span');
    value.className = 'num';
    value.textContent = step.rate === undefined ? fmtInt(step.count) : `${fmtInt(step.count)} (${fmtPercent(step.rate)} of previous)`;
    li.append(label, meter, value);
    return li;
  });
  $('funnel').replaceChildren(...items);
  $('funnel-median').textContent = fmtAge(funnel.median_click_to_conversion_seconds);
}

function renderBreakdown(dimension, breakdown) {
  const table = document.querySelector(`table[data-dimension="${dimension}"]`);
  const head = document.createElement('tr');
  for (const [text, numeric] of [[dimension, false], ['Impr.', true], ['Clicks', true], ['CTR', true], ['Spend', true]]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    if (numeric) th.className = 'num';
    head.append(th);
  }
  table.tHead.replaceChildren(head);
  const rows = breakdown.rows.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'breakdown-row';
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.value === '' ? '(none)' : r.value;
    tr.append(th);
    for (const text of [fmtInt(r.impressions), fmtInt(r.clicks), fmtPercent(r.ctr), fmtMoney(r.spend)]) {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

/** Loads every part of the drill-down for `campaignId` over `range` and renders it. */
export async function loadDetail({ campaignId, range, signal }) {
  const section = $('detail');
  section.hidden = false;
  $('detail-campaign').textContent = campaignId;
  const [insights, funnel, ...breakdowns] = await Promise.all([
    apiGet(`/v1/campaigns/${encodeURIComponent(campaignId)}/insights`, { from: range }, signal),
    apiGet('/v1/funnel', { campaign_id: campaignId, from: range }, signal),
    ...BREAKDOWNS.map((dimension) => apiGet('/v1/breakdown', { dimension, campaign_id: campaignId, from: range, limit: 10 }, signal)),
  ]);
  renderChart(insights);
  renderFunnel(funnel);
  BREAKDOWNS.forEach((dimension, i) => renderBreakdown(dimension, breakdowns[i]));
  section.dataset.loadedCampaign = campaignId;
  $('detail-status').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
}

export function closeDetail() {
  $('detail').hidden = true;
  delete $('detail').dataset.loadedCampaign;
  chart?.destroy();
  chart = undefined;
}
