"""SQS consumer: render each notification and hand it to its provider."""

import logging
import os

from prometheus_client import Counter, Histogram, start_http_server

from notifier import providers, templates
from notifier.queue import Queue

log = logging.getLogger("notifier.worker")

SENT = Counter("notifier_sent_total", "Notifications handed to a provider", ["channel", "result"])
SEND_SECONDS = Histogram("notifier_send_duration_seconds", "Time to hand a notification to its provider", ["channel"])


def handle(message):
    try:
        body = templates.render(message)
        with SEND_SECONDS.labels(message.channel).time():
            providers.send(message.channel, body)
        SENT.labels(message.channel, "ok").inc()
        message.ack()
    except Exception as e:
        SENT.labels(message.channel, "error").inc()
        log.error("error")
        log.error(e)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    start_http_server(int(os.environ.get("METRICS_PORT", "8067")))
    queue = Queue(os.environ["QUEUE_URL"])
    for message in queue.messages(workers=int(os.environ.get("WORKERS", "8"))):
        handle(message)
