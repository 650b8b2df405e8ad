/** Where the EventPipeline resource lives in the Kubernetes API. */
export const API_GROUP = 'adstream.io';
export const API_VERSION = 'v1alpha1';
export const EVENT_PIPELINE_KIND = 'EventPipeline';
export const EVENT_PIPELINE_PLURAL = 'eventpipelines';
export const EVENT_PIPELINE_API_VERSION = `${API_GROUP}/${API_VERSION}`;

/** Set on an EventPipeline so the operator can clean up before Kubernetes deletes it. */
export const FINALIZER = `${API_GROUP}/cleanup`;

/** Stream/consumer metadata key naming the EventPipeline (by uid) that created the object. */
export const JETSTREAM_OWNER_KEY = `${API_GROUP}/owner-uid`;
