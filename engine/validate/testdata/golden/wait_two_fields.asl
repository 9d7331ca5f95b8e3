{
 "StartAt": "W",
 "States": {
  "W": {
   "Type": "Wait",
   "Seconds": 1,
   "SecondsPath": "$.s",
   "End": true
  }
 }
}