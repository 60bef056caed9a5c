-- count.lua — wrk script for every GET scenario: tallies status codes per thread and prints one BENCH line.
--
-- wrk counts only non-2xx/3xx answers as errors; this hook counts every answer
-- that is not 2xx or 304 (a 303 to the login page is a failure here), and keeps
-- a histogram so the driver can check each scenario got the status it is about
-- (304 for the idle feed, 200 for the others, 201 for order creation).

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

codes = {}
bad = 0

function response(status, headers, body)
	codes[status] = (codes[status] or 0) + 1
	if not ((status >= 200 and status < 300) or status == 304) then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local total_bad, hist = 0, {}
	for _, t in ipairs(threads) do
		total_bad = total_bad + (t:get("bad") or 0)
		for code, n in pairs(t:get("codes") or {}) do
			hist[code] = (hist[code] or 0) + n
		end
	end
	local keys = {}
	for code in pairs(hist) do table.insert(keys, code) end
	table.sort(keys)
	local parts = {}
	for _, code in ipairs(keys) do
		table.insert(parts, string.format("%d:%d", code, hist[code]))
	end
	local e = summary.errors
	io.write(string.format(
	    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d " ..
	    "sock_errors=%d connect=%d read=%d write=%d timeout=%d wrk_status=%d " ..
	    "bad=%d codes=%s\n",
	    summary.requests, summary.duration,
	    summary.requests / (summary.duration / 1e6),
	    latency:percentile(50), latency:percentile(99),
	    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write,
	    e.timeout, e.status, total_bad, table.concat(parts, ",")))
end
