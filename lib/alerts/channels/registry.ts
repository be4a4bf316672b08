// Every channel kind, by type. Adding one (Slack app, PagerDuty…) means one file and one line here.
import { emailChannel } from "./email";
import type { ChannelKind, ChannelType } from "./types";
import { webhookChannel } from "./webhook";

const CHANNEL_KINDS: Record<ChannelType, ChannelKind> = {
  EMAIL: emailChannel,
  WEBHOOK: webhookChannel,
};

export function getChannelKind(type: ChannelType): ChannelKind {
  return CHANNEL_KINDS[type];
}
