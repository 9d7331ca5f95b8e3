{
 "StartAt": "W",
 "States": {
  "W": {
   "Type": "Wait",
   "Seconds": -1,
   "End": true
  }
 }
}