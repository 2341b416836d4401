# The Sidekiq side of bench/queue.sh: a job that does nothing, like Roost's `noop` kind.
# Loaded by `sidekiq -r` (the workers) and by push.rb (the client).
require "sidekiq"

# redis-rb 4.8 warns on every SADD that Sidekiq 6.4 issues; the warning is about redis-rb 5.
Redis.silence_deprecations = true

class NoopJob
  include Sidekiq::Worker
  sidekiq_options retry: false

  def perform; end
end
