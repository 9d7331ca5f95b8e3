{
 "StartAt": "W",
 "States": {
  "W": {
   "Type": "Wait",
   "Seconds": "10",
   "End": true
  }
 }
}