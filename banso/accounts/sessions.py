"""What a signed-in session remembers about itself, under keys only this app writes."""

SIGNED_IN_AT = "banso_signed_in_at"  # seconds since the epoch: the absolute lifetime counts from here
LAST_SEEN = "banso_last_seen"  # the last request, to the minute: the idle timeout counts from here
SECOND_FACTOR = "banso_second_factor"  # "verify" or "setup" until the second factor is done; absent after

VERIFY = "verify"
SETUP = "setup"
# How often the last request is written back: the idle timeout is exact to this, and a page costs no session
# write more often than this.
LAST_SEEN_RESOLUTION_SECONDS = 60
