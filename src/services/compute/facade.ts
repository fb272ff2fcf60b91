// What other services may call on compute: plain values in and out.

export interface ComputeFacade {
  /** A flavor's sizes by id, or undefined when there is no such flavor. */
  flavor(id: string): Promise<{ id: string; vcpus: number; ram: number; disk: number } | undefined>;
  /** Cinder's volume-extended external event: the attached volume `volumeId` of `serverId` grew. */
  volumeExtended(serverId: string, volumeId: string): Promise<void>;
}
