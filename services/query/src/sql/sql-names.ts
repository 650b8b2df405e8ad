/**
 * Names the SQL guard knows, all lower-case (it compares case-insensitively,
 * which refuses more than ClickHouse would resolve, never less).
 */

/**
 * Table functions of ClickHouse 18.16 and of current releases. The server's
 * own `system.table_functions` is added at run time; this list stands in
 * when it cannot be read and covers names a newer server may add later.
 * `format` is also a string function: it is refused as both.
 */
export const FALLBACK_TABLE_FUNCTIONS: readonly string[] = [
  'arrowstream', 'azureblobstorage', 'azureblobstoragecluster', 'catboostpool', 'cluster', 'clusterallreplicas', 'cosn',
  'deltalake', 'deltalakeazure', 'deltalakeazurecluster', 'deltalakecluster', 'deltalakelocal', 'deltalakes3', 'deltalakes3cluster',
  'dictionary', 'eval', 'executable', 'file', 'filecluster', 'filesystem', 'format', 'fuzzjson', 'fuzzquery', 'gcs', 'generaterandom',
  'generateseries', 'generate_series', 'hdfs', 'hdfscluster', 'hudi', 'hudicluster', 'iceberg', 'icebergazure', 'icebergazurecluster',
  'icebergcluster', 'iceberghdfs', 'iceberghdfscluster', 'iceberglocal', 'iceberglocalcluster', 'icebergs3', 'icebergs3cluster', 'input',
  'jdbc', 'loop', 'merge', 'mergetreeanalyzeindexes', 'mergetreeanalyzeindexesuuid', 'mergetreeindex', 'mergetreeprojection',
  'mergetreetextindex', 'mongodb', 'mysql', 'null', 'numbers', 'numbers_mt', 'odbc', 'oss', 'paimon', 'postgresql', 'primes',
  'prometheusquery', 'prometheusqueryrange', 'redis', 'remote', 'remotesecure', 's3', 's3cluster', 'shardbyhash', 'sqlite',
  'sqlstandardvalues', 'timeseriesdata', 'timeseriesmetrics', 'timeseriessamples', 'timeseriesselector', 'timeseriestags', 'url',
  'urlcluster', 'values', 'view', 'viewexplain', 'viewifpermitted', 'ytsaurus', 'zeros', 'zeros_mt',
];

/**
 * Functions that read something other than the query's own tables: another
 * table or dictionary by name, a file or model on the server, or the
 * server's own configuration.
 */
const FORBIDDEN_FUNCTIONS = new Set([
  'joinget', 'joingetornull', 'hascolumnintable', 'file', 'catboostevaluate', 'modelevaluate', 'evalmlmethod',
  'getmacro', 'getserversetting', 'getmergetreesetting', 'getserverport', 'hostname', 'fqdn', 'tcpport',
  'filesystemavailable', 'filesystemcapacity', 'filesystemfree', 'filesystemunreserved',
  'addresstoline', 'addresstolinewithinlines', 'addresstosymbol', 'demangle', 'getclienthttpheader',
]);

/** dictGet, dictGetString, dictHas, dictIsIn, ...: every dictionary function. */
export const isForbiddenFunction = (name: string) => name.startsWith('dict') || FORBIDDEN_FUNCTIONS.has(name);

/** `in(x, db.table)` and its variants: the function spelling of IN, whose right side may name a table. */
export const IN_FUNCTIONS = new Set(['in', 'notin', 'globalin', 'globalnotin', 'nullin', 'notnullin', 'globalnullin', 'globalnotnullin', 'inignoreset']);

/** Databases every server has, besides what `system.databases` lists. */
export const BUILTIN_DATABASES: readonly string[] = ['system', 'default', 'information_schema'];

/**
 * Words that are syntax rather than names where the guard looks for
 * aliases: a name written right after an expression (`count() c`,
 * `FROM events e`) is an alias unless it is one of these.
 */
export const KEYWORDS = new Set([
  'all', 'and', 'anti', 'any', 'array', 'as', 'asc', 'ascending', 'asof', 'between', 'both', 'by', 'case', 'cast', 'collate', 'cross',
  'cube', 'day', 'desc', 'descending', 'distinct', 'else', 'end', 'except', 'exists', 'fetch', 'fill', 'final', 'first', 'for', 'format', 'from',
  'full', 'global', 'group', 'having', 'hour', 'ilike', 'in', 'inner', 'interpolate', 'intersect', 'interval', 'into', 'is', 'join', 'last',
  'leading', 'left', 'like', 'limit', 'minute', 'month', 'not', 'null', 'nulls', 'offset', 'on', 'only', 'or', 'order', 'outer', 'outfile', 'over',
  'partition', 'prewhere', 'quarter', 'qualify', 'right', 'rollup', 'row', 'rows', 'sample', 'second', 'select', 'semi', 'settings', 'step', 'then',
  'ties', 'to', 'totals', 'trailing', 'union', 'using', 'week', 'when', 'where', 'window', 'with', 'year',
]);
