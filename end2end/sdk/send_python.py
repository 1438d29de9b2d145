"""Sends events to Huddle with the official Python SDK, as a customer's
backend would. Used by the browser tests (tests/capture.spec.ts)."""

import os
import posthog

client = posthog.Posthog(os.environ["HUDDLE_TOKEN"], host=os.environ["HUDDLE_URL"], sync_mode=True)
client.capture("python event", distinct_id="python-user", properties={"source": "python", "amount": 7})
client.set(distinct_id="python-user", properties={"plan": "pro"})
client.flush()
client.shutdown()
