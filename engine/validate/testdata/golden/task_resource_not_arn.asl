{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "myFunction",
   "End": true
  }
 }
}