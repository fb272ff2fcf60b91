// What other services (compute) may call on volumes: plain values in and out.
//
// - findVolume: the volume if the viewer may see it (its project's, or any for an admin).
// - connection: how the hypervisor reaches a volume's bytes (a file path and its format).

export interface FacadeVolume {
  id: string; name: string | null; status: string; size: number; projectId: string; bootable: boolean; multiattach: boolean;
}
export type FacadeViewer = { projectId: string | undefined; isAdmin: boolean };

export interface VolumeFacade {
  findVolume(id: string, viewer: FacadeViewer): Promise<FacadeVolume | undefined>;
  connection(id: string): Promise<{ path: string; format: 'qcow2' | 'raw' }>;
}
