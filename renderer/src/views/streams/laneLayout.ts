/** Plot margins the swimlane and the per-key plot share, so their time axes line up (room for key names left, the colour bar right). */
export const LANE_MARGIN = { l: 130, r: 90 };
