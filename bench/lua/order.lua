-- order.lua — wrk script for scenario 4: POST /api/orders, one line, a new Idempotency-Key per request.
--
-- Usage: BENCH_PREFIX=x wrk ... -s bench/lua/order.lua URL
-- BENCH_PREFIX makes keys unique across runs against the same database; each
-- thread numbers its requests, so no two requests share a key (a shared key
-- would be answered 200 as a replay, not 201: the histogram shows it).

dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

local prefix = os.getenv("BENCH_PREFIX") or "bench"
local counter = 0
local next_tid = 0
-- tid: a global set in each thread by setup() (thread:set), not a local.

local base_setup = setup
function setup(thread)
	next_tid = next_tid + 1
	thread:set("tid", next_tid)
	base_setup(thread)
end

local body = '{"customer":{"name":"Bench Customer","email":"bench@example.com",' ..
    '"phone":"+33 1 23 45 67 89"},"items":[{"sku":"COF-ESP-250","qty":1}],' ..
    '"notes":""}'

function request()
	counter = counter + 1
	local headers = {
		["Content-Type"] = "application/json",
		["Accept"] = "application/json",
		["Idempotency-Key"] = string.format("%s-%d-%d", prefix, tid or 0, counter),
	}
	return wrk.format("POST", "/api/orders", headers, body)
end
