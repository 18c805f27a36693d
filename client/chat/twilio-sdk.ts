// The part of the @twilio/conversations SDK the Twilio adapter uses, described structurally so
// unit tests can hand the adapter a stand-in object. The real SDK's Client satisfies it (checked
// where the real client is created, in twilio-sdk-loader.ts).

export type TwilioConnectionState =
  | 'unknown'
  | 'disconnecting'
  | 'disconnected'
  | 'retrying'
  | 'connecting'
  | 'connected'
  | 'denied'
  | 'error';

export interface TwilioMessageLike {
  readonly sid: string;
  readonly index: number;
  readonly author: string | null;
  readonly body: string | null;
  readonly dateCreated: Date | null;
  readonly attributes: unknown;
}

export interface TwilioParticipantLike {
  readonly identity: string | null;
  readonly attributes: unknown;
}

export interface TwilioConversationEvents {
  messageAdded: (message: TwilioMessageLike) => void;
  typingStarted: (participant: TwilioParticipantLike) => void;
  updated: (data: { conversation: TwilioConversationLike; updateReasons: string[] }) => void;
  removed: (conversation: TwilioConversationLike) => void;
}

export interface TwilioConversationLike {
  readonly sid: string;
  readonly uniqueName: string | null;
  readonly state: { current: 'active' | 'inactive' | 'closed' } | undefined;
  on(event: 'messageAdded', listener: TwilioConversationEvents['messageAdded']): unknown;
  on(event: 'typingStarted', listener: TwilioConversationEvents['typingStarted']): unknown;
  on(event: 'updated', listener: TwilioConversationEvents['updated']): unknown;
  on(event: 'removed', listener: TwilioConversationEvents['removed']): unknown;
  off(event: 'messageAdded', listener: TwilioConversationEvents['messageAdded']): unknown;
  off(event: 'typingStarted', listener: TwilioConversationEvents['typingStarted']): unknown;
  off(event: 'updated', listener: TwilioConversationEvents['updated']): unknown;
  off(event: 'removed', listener: TwilioConversationEvents['removed']): unknown;
  typing(): Promise<void>;
}

export interface TwilioClientEvents {
  tokenAboutToExpire: () => void;
  tokenExpired: () => void;
  connectionStateChanged: (state: TwilioConnectionState) => void;
}

export interface TwilioClientLike {
  readonly connectionState: TwilioConnectionState;
  on(event: 'tokenAboutToExpire', listener: TwilioClientEvents['tokenAboutToExpire']): unknown;
  on(event: 'tokenExpired', listener: TwilioClientEvents['tokenExpired']): unknown;
  on(event: 'connectionStateChanged', listener: TwilioClientEvents['connectionStateChanged']): unknown;
  updateToken(token: string): Promise<unknown>;
  shutdown(): Promise<void>;
  getConversationByUniqueName(uniqueName: string): Promise<TwilioConversationLike>;
}

/** Creates the SDK client from an access token (`Client.create` in production). */
export type CreateTwilioClient = (token: string) => Promise<TwilioClientLike>;
