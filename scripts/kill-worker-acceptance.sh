#!/usr/bin/env bash
# Issue acceptance: API and worker from npm scripts, 10,000 logs of one service (seq 1..10000) in 500-log arrays,
# the worker process group SIGKILLed once 3,000 are stored, a new worker started; then counts documents and seqs.
# Usage: MONGO_URL=mongodb://127.0.0.1:27017/acceptance bash scripts/kill-worker-acceptance.sh
set -u
cd "$(dirname "$0")/.."
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379} MONGO_URL=${MONGO_URL:?set MONGO_URL to mongodb://host:port/db} QUEUE_PREFIX=accept2_$RANDOM PORT=3950 HEALTH_PORT=3951 AUTH_REQUIRED=false LOG_LEVEL=warn
setsid npm run start:api > /tmp/logstream-accept-api.log 2>&1 &
API=$!
setsid npm run start:worker > /tmp/logstream-accept-w1.log 2>&1 &
W1=$!
sleep 4
count() { node -e "require('mongodb').MongoClient.connect(process.env.MONGO_URL).then(async c=>{console.log(await c.db().collection('logs').countDocuments({service:'accept'}));await c.close()})"; }
(for i in $(seq 0 19); do
  from=$((i*500+1))
  python3 -c "import json; print(json.dumps({'service':'accept','logs':[{'level':'info','message':f'm{s}','seq':s} for s in range($from,$from+500)]}))" > /tmp/logstream-acceptbody$i.json
  curl -s -o /dev/null -w "%{http_code} " -XPOST localhost:3950/ingest -H 'content-type: application/json' --data @/tmp/logstream-acceptbody$i.json
done; echo) &
POSTER=$!
stored_metric() { v=$(curl -s localhost:3951/metrics | awk '/^logstream_worker_logs_stored_total/ {print int($2)}'); echo ${v:-0}; }
while [ "$(stored_metric)" -lt 3000 ]; do sleep 0.1; done
echo "stored before kill (worker metric): $(stored_metric)"
kill -9 -- -$W1; wait $POSTER; sleep 0.5; echo "killed worker group $W1; stored now: $(count)"
T0=$(date +%s)
setsid npm run start:worker > /tmp/logstream-accept-w2.log 2>&1 &
W2=$!
while [ "$(count)" -lt 10000 ] && [ $(( $(date +%s) - T0 )) -lt 90 ]; do sleep 1; done
echo "after restart: $(count) docs, $(( $(date +%s) - T0 )) s after restart"
node -e "require('mongodb').MongoClient.connect(process.env.MONGO_URL).then(async c=>{const l=c.db().collection('logs');const d=await l.distinct('seq',{service:'accept'});const r=await c.db().collection('rollups_minute').aggregate([{\$match:{service:'accept'}},{\$group:{_id:null,n:{\$sum:'\$count'}}}]).toArray();console.log('distinct seqs',d.length,'min',Math.min(...d),'max',Math.max(...d),'rollup total',r[0]&&r[0].n);await c.close()})"
# Only this script's own process groups: other LogStream processes on the machine are left alone.
kill -- -$W2 -$API
