// The mail the Admins of a company get when a webhook endpoint is disabled after 3 days of failed
// deliveries. The URL and names are user-chosen text: oneLine here, escaped by renderMail.
import { oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

export function endpointDisabledMail(input: {
  name: string;
  companyName: string;
  url: string;
  lastError: string;
  at: Date;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  const name = oneLine(input.name, 100);
  return renderMail(`A webhook endpoint of ${company} was disabled`, [
    { text: name ? `Hello ${name},` : "Hello," },
    {
      text:
        `Deliveries to the webhook endpoint ${oneLine(input.url, 300)} of ${company} failed for 3 days, ` +
        `so the portal disabled it on ${readableTime(input.at)}. Last error: ${oneLine(input.lastError, 300)}.`,
    },
    {
      text: "Events are no longer queued for it. Fix the receiver, then enable the endpoint again in the Developer Center; undelivered events are sent then, in order.",
    },
  ]);
}
