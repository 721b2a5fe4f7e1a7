#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd): writes every message it
accepts to <dir>/<n>.eml. Usage: smtp_sink.py PORT DIR [DELAY_SECONDS]

With a delay, the sink waits that long after receiving a message before it
accepts it (answers 250), as a slow server does, and notes the start in
<dir>/<n>.started. A client that hangs up meanwhile cancels the message:
nothing is written for it, as an SMTP server takes charge of a mail only
when it answers 250."""
import asyncio, os, sys
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder, delay):
        self.folder, self.delay, self.started, self.count = folder, delay, 0, 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            self.started += 1
            open(os.path.join(self.folder, f"{self.started}.started"), "w").close()
            await asyncio.sleep(self.delay)
        self.count += 1
        path = os.path.join(self.folder, f"{self.count}.eml")
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.replace(path + ".part", path)
        return "250 Message accepted for delivery"


port, folder = int(sys.argv[1]), sys.argv[2]
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
os.makedirs(folder, exist_ok=True)
controller = Controller(Sink(folder, delay), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    asyncio.new_event_loop().run_forever()
finally:
    controller.stop()
