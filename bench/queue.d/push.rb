# Enqueues N NoopJob jobs and prints {"mode", "jobs", "seconds", "jobs_per_s"}; REDIS_URL names the server.
#   ruby push.rb N bulk     # Sidekiq::Client.push_bulk, 1,000 jobs per call (fills the queue fast)
#   ruby push.rb N single   # NoopJob.perform_async once per job: one round trip each, like Roost's enqueue
require "json"
require_relative "noop_job"

total = Integer(ARGV.fetch(0))
mode = ARGV.fetch(1, "bulk")
Sidekiq.redis { |redis| redis.ping } # connect before the clock starts
started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
if mode == "bulk"
  total.times.each_slice(1000) { |slice| Sidekiq::Client.push_bulk("class" => NoopJob, "args" => slice.map { [] }) }
else
  total.times { NoopJob.perform_async }
end
seconds = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
puts JSON.generate("mode" => mode, "jobs" => total, "seconds" => seconds, "jobs_per_s" => (total / seconds).round)
